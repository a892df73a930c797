"""Self-test of the emulator harness: the launcher's shims and the fault proxy behave as the
Rust suites assume. Run with the venv's python (scripts/test.sh does). Exits non-zero, naming the
failed check, on any failure; stops every process it started.
"""

import atexit
import http.client
import tempfile
import json
import os
import re
import subprocess
import sys
import threading
import time
from urllib.parse import quote

# boto3 (installed with moto) drives the VPC Lattice checks; the host's AWS configuration (a
# profile that does not exist here, an endpoint override) must not reach it.
for _name in [n for n in os.environ if n.startswith("AWS_") and n != "AWS_CA_BUNDLE"]:
    del os.environ[_name]
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
AUTH = "AWS4-HMAC-SHA256 Credential=testing/20261123/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=0"
PROCESSES = []
LOGS = {}  # process → its stderr file, for failure messages


def fail(message):
    sys.exit(f"selftest: FAILED: {message}")


def expect(condition, message):
    if not condition:
        fail(message)


def stop_all():
    for process in PROCESSES:
        if process.poll() is None:
            process.kill()
            process.wait()


atexit.register(stop_all)


def start(script, *args, timeout=60):
    """Start a harness script; return (process, port) once it printed its LISTENING line."""
    log = tempfile.TemporaryFile(mode="w+")  # stderr to a file: a full pipe would stall the server
    process = subprocess.Popen([sys.executable, os.path.join(HERE, script), *args],
                               stdout=subprocess.PIPE, stderr=log, text=True)
    PROCESSES.append(process)
    LOGS[process] = log
    line = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not line or not line[0].startswith("LISTENING "):
        process.kill()
        process.wait()
        log.seek(0)
        fail(f"{script} did not print LISTENING within {timeout} s (got {line[:1]!r}); stderr:\n{log.read()}")
    return process, int(line[0].split()[1])


def stop(process, name):
    """SIGTERM must end the process cleanly (exit 0) and promptly."""
    process.terminate()
    try:
        code = process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        log = LOGS.get(process)
        log.seek(0)
        fail(f"{name} did not stop within 10 s of SIGTERM; its stderr:\n{log.read()}")
    expect(code == 0, f"{name} exited {code} on SIGTERM, not 0")


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, body=None, service="appmesh", target=None, extra=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": AUTH.format(service), **(extra or {})}
        if data is not None:
            headers["Content-Type"] = "application/x-amz-json-1.0" if target else "application/json"
        if target:
            headers["X-Amz-Target"] = target
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        raw = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, raw

    def json(self, *args, **kwargs):
        status, headers, raw = self.call(*args, **kwargs)
        try:
            return status, headers, json.loads(raw or b"null")
        except ValueError:
            fail(f"{args[:2]} answered {status} with a body that is not JSON: {raw[:200]!r}")

    def close(self):
        self.connection.close()


def check_launcher(port):
    client = Client(port)
    status, _, created = client.json("PUT", "/v20190125/meshes", {"meshName": "selftest", "spec": {}})
    expect(status == 200, f"CreateMesh answered {status}: {created}")
    # The raw JSON, as the Rust SDK sees it.
    status, headers, raw = client.call("GET", "/v20190125/meshes/selftest")
    expect(status == 200, f"DescribeMesh answered {status}: {raw[:300]!r}")
    expect(int(headers.get("content-length", -1)) == len(raw), "DescribeMesh: Content-Length does not match the body")
    metadata = json.loads(raw)["metadata"]
    for key in ("createdAt", "lastUpdatedAt"):
        value = metadata.get(key)
        expect(isinstance(value, (int, float)) and not isinstance(value, bool),
               f"DescribeMesh metadata.{key} is {value!r}, not epoch seconds")
        # moto stamps resources at import/creation time: within the hour, in UTC.
        expect(abs(time.time() - value) < 3600, f"metadata.{key}={value} is not the current UTC time")
    status, _, listed = client.json("GET", "/v20190125/meshes")
    expect(status == 200 and any(m.get("meshName") == "selftest" for m in listed.get("meshes", [])),
           f"ListMeshes answered {status}: {listed}")
    status, headers, error = client.json("GET", "/v20190125/meshes/absent")
    expect(status == 404 and error.get("__type") == "NotFoundException"
           and headers.get("x-amzn-errortype") == "NotFoundException", f"missing mesh answered {status} {error}")
    # Other services pass through untouched (DynamoDB, awsJson1_0), on the same keep-alive connection.
    status, _, tables = client.json("POST", "/", {}, service="dynamodb", target="DynamoDB_20120810.ListTables")
    expect(status == 200 and "TableNames" in tables, f"DynamoDB ListTables answered {status}: {tables}")
    client.close()


def check_identities(port):
    """Each resource its own uid (a re-creation a new one); owners are account ids."""
    client = Client(port)
    base = "/v20190125/meshes/selftest-ids"
    status, _, mesh = client.json("PUT", "/v20190125/meshes", {"meshName": "selftest-ids", "spec": {}})
    expect(status == 200, f"CreateMesh answered {status}: {mesh}")
    gateway = {"virtualGatewayName": "g", "spec": {"listeners": [{"portMapping": {"port": 8080, "protocol": "http"}}]}}
    uids = [mesh["metadata"]["uid"]]
    for _ in range(2):
        status, _, created = client.json("PUT", f"{base}/virtualGateways", gateway)
        expect(status == 200, f"CreateVirtualGateway answered {status}: {created}")
        uids.append(created["metadata"]["uid"])
        for key in ("meshOwner", "resourceOwner"):
            owner = created["metadata"][key]
            expect(len(owner) == 12 and owner.isdigit(), f"metadata.{key} is {owner!r}, not an account id")
        client.call("DELETE", f"{base}/virtualGateways/g")
    expect(len(set(uids)) == 3, f"uids repeat across resources and re-creations: {uids}")
    # A repeated clientToken is applied once (the API's idempotency); a new one applies again.
    versions = []
    for token in ("token-1", "token-1", "token-2"):
        status, _, updated = client.json("PUT", base, {"spec": {"egressFilter": {"type": "DROP_ALL"}},
                                                       "clientToken": token})
        expect(status == 200, f"UpdateMesh answered {status}: {updated}")
        versions.append(updated["metadata"]["version"])
    expect(versions == [2, 2, 3], f"versions after updates with tokens 1, 1, 2: {versions}")
    client.close()


# --- VPC Lattice ----------------------------------------------------------------------------------
# RFC 3339 as the model's Timestamp (timestampFormat: iso8601) requires; the Rust SDK reads it as a
# string (an offset is allowed) and refuses an epoch number there.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DESTINATION = "arn:aws:s3:::meshwarden-selftest-logs"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "vpc-lattice-svcs:Invoke",
     "Resource": "*"}]})


def lattice(port):
    return boto3.client("vpc-lattice", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1}))


def error_of(call, **kwargs):
    """(HTTP status, error code) of a call that must fail."""
    try:
        result = call(**kwargs)
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"], error.response["Error"]["Code"]
    fail(f"{call.__name__}({kwargs}) succeeded: {result}")


def expect_not_found(call, **kwargs):
    status, code = error_of(call, **kwargs)
    expect((status, code) == (404, "ResourceNotFoundException"),
           f"{call.__name__}({kwargs}) failed with {status} {code}, not 404 ResourceNotFoundException")


def label(identifier):
    """An id or ARN as a path segment, percent-encoded as the SDKs send it (an ARN's "/" too)."""
    return quote(identifier, safe="")


def raw_get(port, path):
    """The raw body of a Lattice GET, as the Rust SDK receives it."""
    client = Client(port)
    status, _, raw = client.call("GET", path, service="vpc-lattice")
    client.close()
    expect(status == 200, f"GET {path} answered {status}: {raw[:300]!r}")
    return raw


def check_lattice_updates(port):
    """UpdateServiceNetwork / UpdateService / UpdateTargetGroup change what the Get returns; ids or ARNs."""
    api = lattice(port)
    network = api.create_service_network(name="selftest-updates")
    described = api.get_service_network(serviceNetworkIdentifier=network["id"])
    expect(described.get("authType") == "NONE", f"GetServiceNetwork authType {described.get('authType')!r}, not NONE")
    before = raw_get(port, f"/servicenetworks/{label(network['id'])}")
    updated = api.update_service_network(serviceNetworkIdentifier=network["arn"], authType="AWS_IAM")
    expect({k: updated.get(k) for k in ("arn", "authType", "id", "name")}
           == {"arn": network["arn"], "authType": "AWS_IAM", "id": network["id"], "name": "selftest-updates"},
           f"UpdateServiceNetwork answered {updated}")
    after, before = json.loads(raw_get(port, f"/servicenetworks/{label(network['id'])}")), json.loads(before)
    expect(after["authType"] == "AWS_IAM", f"GetServiceNetwork after the update: {after}")
    expect(after.get("lastUpdatedAt") not in (None, before.get("lastUpdatedAt"))
           and after.get("createdAt") == before.get("createdAt"),
           f"UpdateServiceNetwork did not refresh lastUpdatedAt only: {before!r} → {after}")
    expect_not_found(api.update_service_network, serviceNetworkIdentifier="sn-0123456789abcdef0", authType="AWS_IAM")

    service = api.create_service(name="selftest-updates")
    before = api.get_service(serviceIdentifier=service["id"])
    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/selftest"
    updated = api.update_service(serviceIdentifier=service["arn"], authType="AWS_IAM", certificateArn=certificate)
    expect(updated.get("authType") == "AWS_IAM" and updated.get("certificateArn") == certificate
           and updated.get("id") == service["id"], f"UpdateService answered {updated}")
    after = api.get_service(serviceIdentifier=service["id"])
    expect(after.get("authType") == "AWS_IAM" and after.get("certificateArn") == certificate,
           f"GetService after the update: {after}")
    expect(after.get("lastUpdatedAt") not in (None, before.get("lastUpdatedAt")),
           f"UpdateService did not refresh lastUpdatedAt: {before.get('lastUpdatedAt')} → {after.get('lastUpdatedAt')}")
    expect_not_found(api.update_service, serviceIdentifier="svc-0123456789abcdef0", authType="NONE")

    group = api.create_target_group(name="selftest-updates", type="IP", config={
        "port": 80, "protocol": "HTTPS", "vpcIdentifier": "vpc-0123456789abcdef0",
        "healthCheck": {"enabled": True, "path": "/health"}})
    before = api.get_target_group(targetGroupIdentifier=group["id"])
    health_check = {"enabled": False, "protocol": "HTTPS", "path": "/ready", "healthCheckIntervalSeconds": 10}
    updated = api.update_target_group(targetGroupIdentifier=group["arn"], healthCheck=health_check)
    expect(updated.get("config", {}).get("healthCheck") == health_check and updated.get("status") == "ACTIVE"
           and updated.get("type") == "IP", f"UpdateTargetGroup answered {updated}")
    after = api.get_target_group(targetGroupIdentifier=group["arn"])
    expect(after["config"].get("healthCheck") == health_check and after["config"].get("protocol") == "HTTPS",
           f"GetTargetGroup after the update: {after['config']}")
    expect(after["lastUpdatedAt"] != before["lastUpdatedAt"] and after["createdAt"] == before["createdAt"],
           f"UpdateTargetGroup did not refresh lastUpdatedAt only: {before} → {after}")
    expect_not_found(api.update_target_group, targetGroupIdentifier="tg-0123456789abcdef0", healthCheck={})


def check_lattice_stable_documents(port):
    """Repeated Gets of unchanged resources are byte-identical, with RFC 3339 timestamps."""
    api = lattice(port)
    network = api.create_service_network(name="selftest-stable", authType="AWS_IAM")
    service = api.create_service(name="selftest-stable", authType="AWS_IAM")
    group = api.create_target_group(name="selftest-stable", type="IP", config={
        "port": 443, "protocol": "HTTPS", "vpcIdentifier": "vpc-0123456789abcdef0"})
    listener = api.create_listener(serviceIdentifier=service["arn"], name="selftest-stable", protocol="HTTPS",
                                   port=443, defaultAction={"fixedResponse": {"statusCode": 404}})
    api.put_auth_policy(resourceIdentifier=network["id"], policy=POLICY)
    api.create_access_log_subscription(resourceIdentifier=network["id"], destinationArn=DESTINATION)
    paths = {
        "GetServiceNetwork": f"/servicenetworks/{label(network['id'])}",
        "GetService": f"/services/{label(service['id'])}",
        "GetTargetGroup": f"/targetgroups/{label(group['id'])}",
        "GetListener": f"/services/{label(service['id'])}/listeners/{label(listener['id'])}",
        "GetAuthPolicy": f"/authpolicy/{label(network['id'])}",
        "ListAccessLogSubscriptions": f"/accesslogsubscriptions?resourceIdentifier={label(network['id'])}",
        # The same documents by ARN.
        "GetServiceNetwork (ARN)": f"/servicenetworks/{label(network['arn'])}",
        "GetService (ARN)": f"/services/{label(service['arn'])}",
        "GetTargetGroup (ARN)": f"/targetgroups/{label(group['arn'])}",
        "GetListener (ARNs)": f"/services/{label(service['arn'])}/listeners/{label(listener['arn'])}",
    }
    first = {name: raw_get(port, path) for name, path in paths.items()}
    time.sleep(0.05)
    for name, path in paths.items():
        again = raw_get(port, path)
        expect(again == first[name], f"{name} changed between two reads of an unchanged resource:\n"
                                     f"  {first[name]!r}\n  {again!r}")
        if "(ARN" in name:
            expect(again == first[name.split(" (")[0]], f"{name} differs from the same Get by id")
    for name in ("GetServiceNetwork", "GetService", "GetTargetGroup", "GetListener", "GetAuthPolicy"):
        document = json.loads(first[name])
        for key in ("createdAt", "lastUpdatedAt"):
            value = document.get(key)
            expect(isinstance(value, str) and RFC3339.match(value),
                   f"{name} {key} is {value!r}, not an RFC 3339 string (the model's iso8601 Timestamp)")
    for item in json.loads(first["ListAccessLogSubscriptions"])["items"]:
        for key in ("createdAt", "lastUpdatedAt"):
            expect(isinstance(item.get(key), str) and RFC3339.match(item[key]),
                   f"ListAccessLogSubscriptions item {key} is {item.get(key)!r}, not RFC 3339")


def check_lattice_vpc_associations(port):
    """GetServiceNetworkVpcAssociation (id or ARN) returns the full output; List filters by network."""
    api = lattice(port)
    networks = [api.create_service_network(name=f"selftest-vpc-{n}") for n in (1, 2)]
    associations = [api.create_service_network_vpc_association(
        serviceNetworkIdentifier=network["arn"], vpcIdentifier=f"vpc-0123456789abcdef{n}",
        securityGroupIds=[f"sg-0123456789abcdef{n}"]) for n, network in enumerate(networks)]
    for identifier in (associations[0]["id"], associations[0]["arn"]):
        got = api.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=identifier)
        expected = {"id": associations[0]["id"], "arn": associations[0]["arn"], "status": "ACTIVE",
                    "serviceNetworkId": networks[0]["id"], "serviceNetworkArn": networks[0]["arn"],
                    "serviceNetworkName": "selftest-vpc-1", "vpcId": "vpc-0123456789abcdef0",
                    "securityGroupIds": ["sg-0123456789abcdef0"]}
        expect({k: got.get(k) for k in expected} == expected and "createdAt" in got and "lastUpdatedAt" in got,
               f"GetServiceNetworkVpcAssociation({identifier}) answered {got}")
    expect_not_found(api.get_service_network_vpc_association,
                     serviceNetworkVpcAssociationIdentifier="snva-0123456789abcdef0")
    for network, association in zip(networks, associations):
        for identifier in (network["id"], network["arn"]):
            listed = api.list_service_network_vpc_associations(serviceNetworkIdentifier=identifier)["items"]
            expect([item["id"] for item in listed] == [association["id"]],
                   f"ListServiceNetworkVpcAssociations({identifier}) listed {[item['id'] for item in listed]}")


def check_lattice_auth_policy(port):
    """No policy → 404; PutAuthPolicy/GetAuthPolicy state follows the resource's current authType."""
    api = lattice(port)
    network = api.create_service_network(name="selftest-auth")  # authType defaults to NONE
    service = api.create_service(name="selftest-auth")
    for resource, update, key in ((network, api.update_service_network, "serviceNetworkIdentifier"),
                                  (service, api.update_service, "serviceIdentifier")):
        expect_not_found(api.get_auth_policy, resourceIdentifier=resource["id"])
        put = api.put_auth_policy(resourceIdentifier=resource["arn"], policy=POLICY)
        expect(put.get("policy") == POLICY and put.get("state") == "Inactive",
               f"PutAuthPolicy with authType NONE answered state {put.get('state')!r}, not Inactive")
        for auth_type, state in (("AWS_IAM", "Active"), ("NONE", "Inactive"), ("AWS_IAM", "Active")):
            update(**{key: resource["id"]}, authType=auth_type)
            for identifier in (resource["id"], resource["arn"]):
                got = api.get_auth_policy(resourceIdentifier=identifier)
                expect(got.get("policy") == POLICY and got.get("state") == state,
                       f"GetAuthPolicy({identifier}) after authType {auth_type} answered "
                       f"{ {k: got.get(k) for k in ('policy', 'state')} }, not state {state}")


def check_lattice_access_log_subscriptions(port):
    """clientToken makes CreateAccessLogSubscription idempotent; ARNs are accepted; Delete works."""
    api = lattice(port)
    network = api.create_service_network(name="selftest-logs")
    created = [api.create_access_log_subscription(resourceIdentifier=network["arn"], destinationArn=DESTINATION,
                                                  clientToken="selftest-token") for _ in range(2)]
    expect(created[0]["id"] == created[1]["id"] and created[0]["resourceId"] == network["id"],
           f"the same clientToken created {[c['id'] for c in created]}")
    status, code = error_of(api.create_access_log_subscription, resourceIdentifier=network["id"],
                            destinationArn=DESTINATION + "-other", clientToken="selftest-token")
    expect((status, code) == (409, "ConflictException"),
           f"the same clientToken with other parameters answered {status} {code}, not 409 ConflictException")
    for identifier in (network["id"], network["arn"]):
        listed = api.list_access_log_subscriptions(resourceIdentifier=identifier)["items"]
        expect([item["id"] for item in listed] == [created[0]["id"]],
               f"ListAccessLogSubscriptions({identifier}) listed {[item['id'] for item in listed]}")
    api.delete_access_log_subscription(accessLogSubscriptionIdentifier=created[0]["id"])
    expect(api.list_access_log_subscriptions(resourceIdentifier=network["id"])["items"] == [],
           "DeleteAccessLogSubscription left the subscription listed")
    expect_not_found(api.delete_access_log_subscription, accessLogSubscriptionIdentifier=created[0]["id"])


OTHER_ACCOUNT = "111111111111"


def lattice_as(port, account):
    """A Lattice client acting in `account` (moto's x-moto-account-id header picks the account)."""
    api = lattice(port)

    def add_header(params, **_):
        params["headers"]["x-moto-account-id"] = account

    api.meta.events.register("before-call.vpc-lattice", add_header)
    return api


def harness(port, method, action, body=None):
    """A /__harness/lattice/ admin call to the emulator; its JSON answer."""
    client = Client(port)
    if body is None and method != "GET":
        body = {}
    status, _, answer = client.json(method, f"/__harness/lattice/{action}", body=body)
    client.close()
    expect(status == 200, f"harness call {method} {action} answered {status}: {answer}")
    return answer


def policy_allowing(account):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]})


def check_lattice_auth_policy_propagation(port):
    """With a propagation set, GetAuthPolicy answers the previous policy for N reads or until released."""
    api = lattice(port)
    network = api.create_service_network(name="selftest-propagation", authType="AWS_IAM")

    def seen():
        try:
            got = api.get_auth_policy(resourceIdentifier=network["id"])
        except ClientError as error:
            return error.response["Error"]["Code"]
        return got["policy"], got["state"]

    first, second, third, fourth = (policy_allowing(str(n) * 12) for n in (2, 3, 4, 5))
    # Only for this network: another resource's changes stay visible at once.
    other = api.create_service_network(name="selftest-propagation-other", authType="AWS_IAM")
    harness(port, "POST", "auth-policy-propagation", {"reads": 2, "resource": network["id"]})
    api.put_auth_policy(resourceIdentifier=other["id"], policy=first)
    expect(api.get_auth_policy(resourceIdentifier=other["id"])["policy"] == first,
           "a propagation set for one network delayed another's policy")
    harness(port, "POST", "auth-policy-propagation", {"reads": 0, "resource": network["id"]})
    harness(port, "POST", "auth-policy-propagation", {"reads": 2})
    try:
        api.put_auth_policy(resourceIdentifier=network["arn"], policy=first)
        answers = [seen() for _ in range(3)]
        expect(answers == ["ResourceNotFoundException"] * 2 + [(first, "Active")],
               f"a new policy with 2 reads of propagation was read as {answers}")
        api.put_auth_policy(resourceIdentifier=network["id"], policy=second)
        answers = [seen() for _ in range(3)]
        expect(answers == [(first, "Active")] * 2 + [(second, "Active")],
               f"a changed policy with 2 reads of propagation was read as {answers}")
        harness(port, "POST", "auth-policy-propagation", {"reads": None})
        api.put_auth_policy(resourceIdentifier=network["id"], policy=third)
        answers = [seen() for _ in range(5)]
        expect(answers == [(second, "Active")] * 5, f"a change held until released was read as {answers}")
        released = harness(port, "POST", "auth-policy-propagation/release", {"resource": network["id"]})
        expect(released == {"released": 1} and seen() == (third, "Active"),
               f"release answered {released}; GetAuthPolicy then read {seen()}")
    finally:
        harness(port, "POST", "auth-policy-propagation", {"reads": 0})
    api.put_auth_policy(resourceIdentifier=network["id"], policy=fourth)
    expect(seen() == (fourth, "Active"), "with propagation off a policy is not read at once")


def check_lattice_foreign_accounts(port):
    """Another account's ARN is 403 AccessDeniedException unless shared (reads only); another
    partition's or region's is 404; never our same-id resource."""
    ours, theirs = lattice(port), lattice_as(port, OTHER_ACCOUNT)
    mine = ours.create_service_network(name="selftest-foreign")
    other = theirs.create_service_network(name="selftest-foreign")
    expect(other["arn"].split(":")[4] == OTHER_ACCOUNT, f"the other account's network is {other['arn']}")
    lookalike = mine["arn"].replace(":123456789012:", f":{OTHER_ACCOUNT}:")
    for arn in (lookalike, other["arn"]):
        status, code = error_of(ours.get_service_network, serviceNetworkIdentifier=arn)
        expect((status, code) == (403, "AccessDeniedException"),
               f"GetServiceNetwork({arn}) of an unshared network answered {status} {code}")
    for call, kwargs in ((ours.update_service_network, {"serviceNetworkIdentifier": lookalike, "authType": "NONE"}),
                         (ours.get_auth_policy, {"resourceIdentifier": lookalike}),
                         (ours.list_access_log_subscriptions, {"resourceIdentifier": lookalike}),
                         (ours.create_access_log_subscription, {"resourceIdentifier": lookalike,
                                                                "destinationArn": DESTINATION})):
        status, code = error_of(call, **kwargs)
        expect((status, code) == (403, "AccessDeniedException"), f"{call.__name__}({kwargs}) answered {status} {code}")
    for arn in (mine["arn"].replace("arn:aws:", "arn:aws-cn:"), mine["arn"].replace(":us-east-1:", ":eu-west-1:")):
        expect_not_found(ours.get_service_network, serviceNetworkIdentifier=arn)
    expect(ours.get_service_network(serviceNetworkIdentifier=mine["arn"])["id"] == mine["id"],
           "our own ARN is no longer served")

    harness(port, "POST", "shares", {"resourceArn": other["arn"], "account": "123456789012"})
    shared = ours.get_service_network(serviceNetworkIdentifier=other["arn"])
    expect(shared["arn"] == other["arn"], f"a shared network was answered as {shared}")
    status, code = error_of(ours.update_service_network, serviceNetworkIdentifier=other["arn"], authType="AWS_IAM")
    expect((status, code) == (403, "AccessDeniedException"), f"a write to a shared network answered {status} {code}")
    harness(port, "DELETE", "shares", {"resourceArn": other["arn"], "account": "123456789012"})
    status, code = error_of(ours.get_service_network, serviceNetworkIdentifier=other["arn"])
    expect((status, code) == (403, "AccessDeniedException"), f"an unshared network answered {status} {code}")


def check_lattice_association_counts(port):
    """numberOfAssociatedVPCs/Services follow associations made and deleted; serviceArns the listeners."""
    api = lattice(port)
    network = api.create_service_network(name="selftest-counts")
    service = api.create_service(name="selftest-counts")

    def counts():
        got = api.get_service_network(serviceNetworkIdentifier=network["id"])
        listed = [item for item in api.list_service_networks()["items"] if item["id"] == network["id"]]
        summary = {k: listed[0].get(k) for k in ("numberOfAssociatedVPCs", "numberOfAssociatedServices")}
        counted = (got.get("numberOfAssociatedVPCs"), got.get("numberOfAssociatedServices"))
        expect(summary == dict(zip(summary, counted)), f"ListServiceNetworks {summary} vs GetServiceNetwork {counted}")
        return counted

    expect(counts() == (0, 0), f"a new network counts {counts()}")
    vpcs = [api.create_service_network_vpc_association(serviceNetworkIdentifier=network["id"],
                                                       vpcIdentifier=f"vpc-0123456789abcdef{n}") for n in (1, 2)]
    association = api.create_service_network_service_association(serviceNetworkIdentifier=network["id"],
                                                                  serviceIdentifier=service["id"])
    expect(counts() == (2, 1), f"two VPCs and a service associated count {counts()}")
    deleted = api.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=vpcs[0]["arn"])
    expect(deleted.get("id") == vpcs[0]["id"] and deleted.get("status") == "DELETE_IN_PROGRESS",
           f"DeleteServiceNetworkVpcAssociation answered {deleted}")
    expect_not_found(api.get_service_network_vpc_association, serviceNetworkVpcAssociationIdentifier=vpcs[0]["id"])
    api.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=association["id"])
    expect(counts() == (1, 0), f"after two deletes the network counts {counts()}")
    expect_not_found(api.delete_service_network_service_association,
                     serviceNetworkServiceAssociationIdentifier=association["id"])

    group = api.create_target_group(name="selftest-counts", type="IP", config={
        "port": 443, "protocol": "HTTPS", "vpcIdentifier": "vpc-0123456789abcdef0"})
    expect("serviceArns" not in api.get_target_group(targetGroupIdentifier=group["id"]),
           "a target group no listener forwards to names services")
    api.create_listener(serviceIdentifier=service["id"], name="selftest-counts", protocol="HTTPS", port=443,
                        defaultAction={"forward": {"targetGroups": [{"targetGroupIdentifier": group["id"]}]}})
    got = api.get_target_group(targetGroupIdentifier=group["arn"])
    expect(got.get("serviceArns") == [service["arn"]], f"GetTargetGroup serviceArns {got.get('serviceArns')}")


def check_lattice_writes_counted(port):
    """GET /__harness/lattice/writes counts each applied write once per resource and operation."""
    api = lattice(port)
    network = api.create_service_network(name="selftest-writes")
    group = api.create_target_group(name="selftest-writes", type="IP", config={
        "port": 443, "protocol": "HTTPS", "vpcIdentifier": "vpc-0123456789abcdef0"})
    api.update_service_network(serviceNetworkIdentifier=network["arn"], authType="AWS_IAM")
    api.update_service_network(serviceNetworkIdentifier=network["id"], authType="NONE")
    api.put_auth_policy(resourceIdentifier=network["id"], policy=POLICY)
    created = [api.create_access_log_subscription(resourceIdentifier=network["id"], destinationArn=DESTINATION,
                                                  clientToken="selftest-writes") for _ in range(2)]
    api.delete_access_log_subscription(accessLogSubscriptionIdentifier=created[0]["id"])
    api.update_target_group(targetGroupIdentifier=group["id"], healthCheck={"enabled": True})
    expect_not_found(api.update_service_network, serviceNetworkIdentifier="sn-0123456789abcdef0", authType="NONE")
    # Two attempts of one operation (the same amz-sdk-invocation-id: an SDK retry after a timed-out
    # attempt the server applied) are one write; another operation is another.
    client = Client(port)
    for invocation in ("selftest-invocation-1", "selftest-invocation-1", "selftest-invocation-2"):
        status, _, raw = client.call("PATCH", f"/servicenetworks/{label(network['id'])}", body={"authType": "NONE"},
                                     service="vpc-lattice", extra={"amz-sdk-invocation-id": invocation})
        expect(status == 200, f"UpdateServiceNetwork answered {status}: {raw[:200]!r}")
    client.close()
    counted = harness(port, "GET", "writes")
    expected = {network["id"]: {"UpdateServiceNetwork": 4, "PutAuthPolicy": 1, "CreateAccessLogSubscription": 1,
                                "DeleteAccessLogSubscription": 1},
                group["id"]: {"UpdateTargetGroup": 1}}
    expect({k: counted.get(k) for k in expected} == expected and "sn-0123456789abcdef0" not in counted,
           f"writes counted {({k: counted.get(k) for k in expected})}, not {expected}")


def check_lattice_list_pages(port):
    """ListServiceNetworks, ListServices and ListTargetGroups page by maxResults and nextToken, each
    resource once; DeleteTargetGroup removes a target group."""
    api = boto3.client("vpc-lattice", endpoint_url=f"http://127.0.0.1:{port}", region_name="me-south-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing",
                       config=Config(retries={"max_attempts": 1}))
    created = {
        "list_service_networks": {api.create_service_network(name=f"selftest-pages-{n}")["id"] for n in range(5)},
        "list_services": {api.create_service(name=f"selftest-pages-{n}")["id"] for n in range(5)},
        "list_target_groups": {api.create_target_group(name=f"selftest-pages-{n}", type="LAMBDA")["id"]
                               for n in range(5)},
    }
    for name, ids in created.items():
        pages, token = [], None
        while True:
            answer = getattr(api, name)(maxResults=2, **({"nextToken": token} if token else {}))
            pages.append([item["id"] for item in answer["items"]])
            token = answer.get("nextToken")
            if not token or len(pages) > 5:
                break
        listed = [i for page in pages for i in page if i in ids]
        expect([len(p) for p in pages] == [2, 2, 1] and sorted(listed) == sorted(ids),
               f"{name} pages of 2: {pages}")
    group = sorted(created["list_target_groups"])[0]
    deleted = api.delete_target_group(targetGroupIdentifier=group)
    expect(deleted.get("id") == group and deleted.get("status") == "DELETE_IN_PROGRESS",
           f"DeleteTargetGroup answered {deleted}")
    expect_not_found(api.get_target_group, targetGroupIdentifier=group)
    expect_not_found(api.delete_target_group, targetGroupIdentifier=group)


LATTICE_CHECKS = (check_lattice_updates, check_lattice_stable_documents, check_lattice_vpc_associations,
                  check_lattice_auth_policy, check_lattice_access_log_subscriptions,
                  check_lattice_auth_policy_propagation, check_lattice_foreign_accounts,
                  check_lattice_association_counts, check_lattice_writes_counted, check_lattice_list_pages)


def run_checks(checks, port):
    for check in checks:
        try:
            check(port)
        except ClientError as error:  # a call the shims should have answered
            fail(f"{check.__name__}: {error}")


def check_securityhub(port):
    """BatchUpdateFindings sets Workflow and Note, which GetFindings returns; a later import keeps them."""
    hub = boto3.client("securityhub", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing",
                       config=Config(retries={"max_attempts": 1}))
    product = "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"

    def finding(workflow):
        return {"SchemaVersion": "2018-10-08", "Id": "selftest/rule", "ProductArn": product,
                "GeneratorId": "meshwarden/rule", "AwsAccountId": "123456789012",
                "Types": ["Software and Configuration Checks"], "CreatedAt": "2026-01-01T00:00:00Z",
                "UpdatedAt": "2026-01-01T00:00:00Z", "Severity": {"Label": "HIGH"}, "Title": "t",
                "Description": "d", "Resources": [{"Type": "Other", "Id": "x"}],
                "Workflow": {"Status": workflow}}

    def stored():
        found = [f for f in hub.get_findings()["Findings"] if f["Id"] == "selftest/rule"]
        expect(len(found) == 1, f"GetFindings: {found}")
        return found[0]

    expect(hub.batch_import_findings(Findings=[finding("NEW")])["FailedCount"] == 0, "import refused")
    out = hub.batch_update_findings(FindingIdentifiers=[{"Id": "selftest/rule", "ProductArn": product},
                                                        {"Id": "absent", "ProductArn": product}],
                                    Workflow={"Status": "SUPPRESSED"},
                                    Note={"Text": "accepted until the proxy ships", "UpdatedBy": "selftest"})
    expect([f["Id"] for f in out["ProcessedFindings"]] == ["selftest/rule"]
           and [f["FindingIdentifier"]["Id"] for f in out["UnprocessedFindings"]] == ["absent"],
           f"BatchUpdateFindings answered {out}")
    after = stored()
    expect(after.get("Workflow", {}).get("Status") == "SUPPRESSED"
           and after.get("Note", {}).get("Text") == "accepted until the proxy ships"
           and after["Note"].get("UpdatedBy") == "selftest", f"BatchUpdateFindings not applied: {after}")
    hub.batch_import_findings(Findings=[finding("NEW")])
    kept = stored()
    expect(kept["Workflow"]["Status"] == "SUPPRESSED" and kept["Note"]["Text"] == "accepted until the proxy ships",
           f"an import changed the triage of an existing finding: {kept}")
    # Security Hub's own reset: RESOLVED goes back to NEW when a PASSED finding fails again.
    hub.batch_update_findings(FindingIdentifiers=[{"Id": "selftest/rule", "ProductArn": product}],
                              Workflow={"Status": "RESOLVED"}, Note={"Text": "passes", "UpdatedBy": "selftest"})
    hub.batch_import_findings(Findings=[dict(finding("NEW"), Compliance={"Status": "PASSED"})])
    expect(stored()["Workflow"]["Status"] == "RESOLVED", "an import of the same status reset the workflow")
    hub.batch_import_findings(Findings=[dict(finding("SUPPRESSED"), Compliance={"Status": "FAILED"})])
    expect(stored()["Workflow"]["Status"] == "NEW", f"PASSED to FAILED did not reset RESOLVED: {stored()}")


# --- Amazon ECS -----------------------------------------------------------------------------------
TLS_CONNECT = {"enabled": True, "namespace": "selftest", "services": [{
    "portName": "http", "clientAliases": [{"port": 80}],
    "tls": {"issuerCertificateAuthority": {
        "awsPcaAuthorityArn": "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/selftest"},
        "roleArn": "arn:aws:iam::123456789012:role/selftest-tls"}}]}
PLAIN_CONNECT = {"enabled": True, "namespace": "selftest", "services": [{"portName": "http"}]}


def ecs(port, region="us-east-1", **config):
    return boto3.client("ecs", endpoint_url=f"http://127.0.0.1:{port}", region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1}, **config))


def ecs_cluster(api, name):
    """A cluster, and task definition revisions `name`:1 and `name`:2 (the ARN of the second)."""
    api.create_cluster(clusterName=name)
    for image in ("nginx:1", "nginx:2"):
        revision = api.register_task_definition(family=name, containerDefinitions=[
            {"name": "app", "image": image, "memory": 128}])
    return revision["taskDefinition"]["taskDefinitionArn"]


def ecs_service(api, cluster, name):
    return api.describe_services(cluster=cluster, services=[name])["services"][0]


def check_ecs_service_connect_create(port):
    """CreateService: the configuration is the PRIMARY deployment's; one without `enabled` is refused."""
    api = ecs(port)
    ecs_cluster(api, "selftest-sc-create")
    created = api.create_service(cluster="selftest-sc-create", serviceName="web", taskDefinition="selftest-sc-create:1",
                                 serviceConnectConfiguration=TLS_CONNECT)["service"]
    described = ecs_service(api, "selftest-sc-create", "web")
    for answer in (created, described):
        deployments = answer["deployments"]
        expect([d["status"] for d in deployments] == ["PRIMARY"]
               and deployments[0].get("serviceConnectConfiguration") == TLS_CONNECT,
               f"CreateService's PRIMARY deployment lacks the configuration: {deployments}")
    # botocore checks `enabled` itself: without that check the request reaches the emulator.
    status, code = error_of(ecs(port, parameter_validation=False).create_service, cluster="selftest-sc-create",
                            serviceName="no-enabled", taskDefinition="selftest-sc-create:1",
                            serviceConnectConfiguration={"namespace": "selftest"})
    expect((status, code) == (400, "InvalidParameterException"),
           f"a configuration without enabled answered {status} {code}")
    failures = api.describe_services(cluster="selftest-sc-create", services=["no-enabled"])["failures"]
    expect([f["reason"] for f in failures] == ["MISSING"], f"the refused service exists: {failures}")


def check_ecs_service_connect_update(port):
    """UpdateService: a configuration starts a new PRIMARY deployment (the previous one ACTIVE); a new
    task definition or forceNewDeployment start one keeping the configuration; desiredCount alone none."""
    api = ecs(port)
    revision_2 = ecs_cluster(api, "selftest-sc-update")
    api.create_service(cluster="selftest-sc-update", serviceName="web", taskDefinition="selftest-sc-update:1",
                       serviceConnectConfiguration=TLS_CONNECT)
    first = ecs_service(api, "selftest-sc-update", "web")["deployments"][0]

    updated = api.update_service(cluster="selftest-sc-update", service="web",
                                 serviceConnectConfiguration=PLAIN_CONNECT)["service"]["deployments"]
    described = ecs_service(api, "selftest-sc-update", "web")["deployments"]
    expect(updated == described, f"UpdateService answered {updated}, DescribeServices {described}")
    expect([(d["status"], d["id"]) for d in described][1:] == [("ACTIVE", first["id"])]
           and described[0]["status"] == "PRIMARY" and described[0]["id"] != first["id"]
           and described[0].get("serviceConnectConfiguration") == PLAIN_CONNECT
           and described[1].get("serviceConnectConfiguration") == TLS_CONNECT
           and described[0]["createdAt"] >= first["createdAt"] and described[0]["updatedAt"] >= first["createdAt"],
           f"a configuration update's deployments: {described}")

    # An image-only deploy (a new task definition) keeps the configuration; the old PRIMARY is ACTIVE
    # and the one before it has drained.
    plain = described[0]
    deployments = api.update_service(cluster="selftest-sc-update", service="web",
                                     taskDefinition="selftest-sc-update:2")["service"]["deployments"]
    expect([d["status"] for d in deployments] == ["PRIMARY", "ACTIVE"] and deployments[1]["id"] == plain["id"]
           and deployments[0]["id"] != plain["id"] and deployments[0]["taskDefinition"] == revision_2
           and deployments[0].get("serviceConnectConfiguration") == PLAIN_CONNECT,
           f"an image-only update's deployments: {deployments}")

    image = deployments[0]
    scaled = api.update_service(cluster="selftest-sc-update", service="web", desiredCount=2)["service"]
    expect([d["id"] for d in scaled["deployments"]] == [image["id"], plain["id"]],
           f"a desiredCount update changed the deployments: {scaled['deployments']}")
    forced = api.update_service(cluster="selftest-sc-update", service="web",
                                forceNewDeployment=True)["service"]["deployments"]
    expect([d["status"] for d in forced] == ["PRIMARY", "ACTIVE"] and forced[1]["id"] == image["id"]
           and forced[0]["id"] != image["id"] and forced[0].get("serviceConnectConfiguration") == PLAIN_CONNECT,
           f"forceNewDeployment's deployments: {forced}")
    # A configuration without `enabled` changes nothing.
    status, code = error_of(ecs(port, parameter_validation=False).update_service, cluster="selftest-sc-update",
                            service="web", taskDefinition="selftest-sc-update:1",
                            serviceConnectConfiguration={"namespace": "selftest"})
    after = ecs_service(api, "selftest-sc-update", "web")
    expect((status, code) == (400, "InvalidParameterException") and after["deployments"] == forced
           and after["taskDefinition"] == revision_2,
           f"a configuration without enabled answered {status} {code} and left {after['deployments']}")


def check_ecs_task_definition_arn(port):
    """UpdateService(taskDefinition=family:revision): the service names the revision by its ARN."""
    api = ecs(port)
    revision_2 = ecs_cluster(api, "selftest-td")
    api.create_service(cluster="selftest-td", serviceName="web", taskDefinition="selftest-td:1")
    updated = api.update_service(cluster="selftest-td", service="web", taskDefinition="selftest-td:2")["service"]
    expect(updated["taskDefinition"] == revision_2 == ecs_service(api, "selftest-td", "web")["taskDefinition"],
           f"the service's taskDefinition after an update is {updated['taskDefinition']}, not {revision_2}")


def check_ecs_lifecycle(port):
    """createdAt/createdBy; DeleteService → DRAINING with tasks (INACTIVE without), neither listed, a
    live name not re-created, only ACTIVE updated; a re-created service is a new one."""
    api = ecs(port)
    ecs_cluster(api, "selftest-life")
    created = api.create_service(cluster="selftest-life", serviceName="busy", taskDefinition="selftest-life:1",
                                 desiredCount=1)["service"]
    expect(created.get("createdAt") is not None and created.get("createdBy", "").startswith("arn:aws:iam::123456789012:"),
           f"CreateService answered no createdAt/createdBy: {created}")
    api.create_service(cluster="selftest-life", serviceName="idle", taskDefinition="selftest-life:1", desiredCount=0)
    drained = api.delete_service(cluster="selftest-life", service="busy", force=True)["service"]
    idle = api.delete_service(cluster="selftest-life", service="idle")["service"]
    expect((drained["status"], idle["status"]) == ("DRAINING", "INACTIVE")
           and ecs_service(api, "selftest-life", "busy")["status"] == "DRAINING",
           f"DeleteService answered {drained['status']} (tasks) and {idle['status']} (none)")
    expect(api.list_services(cluster="selftest-life")["serviceArns"] == [],
           f"ListServices lists deleted services: {api.list_services(cluster='selftest-life')['serviceArns']}")
    status, code = error_of(api.create_service, cluster="selftest-life", serviceName="busy",
                            taskDefinition="selftest-life:1")
    expect((status, code) == (400, "InvalidParameterException"), f"re-creating a DRAINING service: {status} {code}")
    status, code = error_of(api.update_service, cluster="selftest-life", service="busy", desiredCount=0)
    expect((status, code) == (400, "ServiceNotActiveException"), f"updating a DRAINING service: {status} {code}")
    again = api.create_service(cluster="selftest-life", serviceName="idle", taskDefinition="selftest-life:1")["service"]
    expect(again["status"] == "ACTIVE" and again["deployments"][0]["id"] != idle["deployments"][0]["id"]
           and again["createdAt"] >= idle["createdAt"], f"a re-created INACTIVE service: {again} after {idle}")


def check_ecs_list_pages(port):
    """ListClusters and ListServices page by maxResults (1-100) and nextToken, each item once; a
    cluster lists its own services only (moto matched cluster names as substrings)."""
    api = ecs(port, region="eu-west-3")  # a region of its own: every cluster listed is this check's
    clusters = {api.create_cluster(clusterName=f"pages-{n}")["cluster"]["clusterArn"] for n in range(5)}
    api.register_task_definition(family="selftest", containerDefinitions=[{"name": "app", "image": "i", "memory": 8}])
    api.create_cluster(clusterName="ges-0")  # "ges-0:" occurs in "pages-0:svc-00", moto's key
    services = {api.create_service(cluster="pages-0", serviceName=f"svc-{n:02}", taskDefinition="selftest")
                ["service"]["serviceArn"] for n in range(12)}

    def pages(call, **kwargs):
        listed, token, key = [], None, "clusterArns" if call == api.list_clusters else "serviceArns"
        while len(listed) < 10:
            answer = call(**kwargs, **({"nextToken": token} if token else {}))
            listed.append(answer[key])
            token = answer.get("nextToken")
            if not token:
                return listed
        fail(f"{call.__name__} pages without end: {listed}")

    got = pages(api.list_clusters, maxResults=2)
    expect([len(p) for p in got] == [2, 2, 2] and {a for p in got for a in p} == clusters | {
        api.describe_clusters(clusters=["ges-0"])["clusters"][0]["clusterArn"]}, f"ListClusters pages of 2: {got}")
    got = pages(api.list_services, cluster="pages-0")
    expect([len(p) for p in got] == [10, 2] and {a for p in got for a in p} == services,
           f"ListServices' default pages: {got}")
    got = pages(api.list_services, cluster="pages-0", maxResults=5)
    expect([len(p) for p in got] == [5, 5, 2] and sorted(a for p in got for a in p) == sorted(services),
           f"ListServices pages of 5: {got}")
    expect(api.list_services(cluster="ges-0")["serviceArns"] == [], "cluster ges-0 lists pages-0's services")
    status, code = error_of(api.list_services, cluster="pages-0", maxResults=101)
    expect((status, code) == (400, "InvalidParameterException"), f"maxResults 101 answered {status} {code}")


def check_ecs_concurrent_updates(port):
    """Updates and reads side by side: every answer shows one PRIMARY deployment and one ACTIVE,
    never an update half-applied (the shim replaces the deployment list, never edits it)."""
    ecs_cluster(ecs(port), "selftest-race")
    ecs(port).create_service(cluster="selftest-race", serviceName="web", taskDefinition="selftest-race:1",
                             serviceConnectConfiguration=TLS_CONNECT)
    # One update first: from then on the service always has a PRIMARY and an ACTIVE deployment
    # (before it, the created service's one deployment is a whole answer too).
    ecs(port).update_service(cluster="selftest-race", service="web", serviceConnectConfiguration=PLAIN_CONNECT)
    seen, errors = [], []

    def update():
        api = ecs(port)
        for n in range(15):
            try:
                config = PLAIN_CONNECT if n % 2 else TLS_CONNECT
                answer = api.update_service(cluster="selftest-race", service="web", serviceConnectConfiguration=config)
                seen.append(answer["service"]["deployments"])
            except ClientError as error:
                errors.append(error)

    def read():
        api = ecs(port)
        for _ in range(40):
            try:
                seen.append(ecs_service(api, "selftest-race", "web")["deployments"])
            except ClientError as error:
                errors.append(error)

    threads = [threading.Thread(target=target) for target in (update, update, read, read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expect(not errors, f"concurrent updates and reads failed: {errors[:3]}")
    torn = [d for d in seen if [x["status"] for x in d] != ["PRIMARY", "ACTIVE"]]
    expect(len(seen) == 110 and not torn, f"{len(torn)} of {len(seen)} answers not [PRIMARY, ACTIVE]: {torn[:2]}")


def check_ecs_left_alone(port):
    """What moto already does as the API does: tags only with include=TAGS; a missing service is a
    failure (MISSING); new-format ARNs naming the cluster."""
    api = ecs(port)
    ecs_cluster(api, "selftest-alone")
    created = api.create_service(cluster="selftest-alone", serviceName="web", taskDefinition="selftest-alone:1",
                                 tags=[{"key": "owner", "value": "selftest"}])["service"]
    expect(created["serviceArn"] == "arn:aws:ecs:us-east-1:123456789012:service/selftest-alone/web"
           and created["clusterArn"] == "arn:aws:ecs:us-east-1:123456789012:cluster/selftest-alone",
           f"ARNs {created['serviceArn']} {created['clusterArn']}")
    tagged = api.describe_services(cluster="selftest-alone", services=[created["serviceArn"]], include=["TAGS"])
    untagged = api.describe_services(cluster="selftest-alone", services=["web", "absent"])
    expect(tagged["services"][0].get("tags") == [{"key": "owner", "value": "selftest"}]
           and "tags" not in untagged["services"][0]
           and [f["reason"] for f in untagged["failures"]] == ["MISSING"],
           f"DescribeServices: tags {tagged['services'][0].get('tags')}, failures {untagged['failures']}")


ECS_CHECKS = (check_ecs_service_connect_create, check_ecs_service_connect_update, check_ecs_task_definition_arn,
              check_ecs_lifecycle, check_ecs_list_pages, check_ecs_concurrent_updates, check_ecs_left_alone)




def proxy(emulator_port, rate, kinds, seed=7, only=(), record=()):
    return start("fault_proxy.py", "--listen-port", "0", "--target", f"http://127.0.0.1:{emulator_port}",
                 "--fault-rate", str(rate), "--kinds", kinds, "--seed", str(seed),
                 *[arg for needle in only for arg in ("--only", needle)],
                 *[arg for needle in record for arg in ("--record", needle)])


def stats(port):
    client = Client(port)
    status, _, counters = client.json("GET", "/__faults/stats")
    client.close()
    expect(status == 200, f"/__faults/stats answered {status}")
    return counters


def check_proxy(emulator_port):
    # Throttle everything: restJson (App Mesh) → 429; awsJson (DynamoDB, X-Amz-Target) → 400.
    process, port = proxy(emulator_port, 1, "throttle")
    client = Client(port)
    for _ in range(2):  # the connection stays usable after an injected answer
        status, headers, error = client.json("GET", "/v20190125/meshes/selftest")
        expect(status == 429 and error == {"__type": "ThrottlingException", "message": "Rate exceeded"}
               and headers.get("x-amzn-errortype") == "ThrottlingException",
               f"App Mesh throttle injected as {status} {headers} {error}")
    status, headers, error = client.json("POST", "/", {}, service="dynamodb", target="DynamoDB_20120810.ListTables")
    expect(status == 400 and error.get("__type") == "ThrottlingException"
           and headers.get("x-amzn-errortype") == "ThrottlingException",
           f"DynamoDB throttle injected as {status} {headers} {error}")
    client.close()
    counters = stats(port)
    expect(counters == {"requests": 3, "forwarded": 0, "injected": {"throttle": 3, "500": 0, "drop": 0, "deny": 0, "lost": 0}},
           f"throttle proxy stats {counters}")
    stop(process, "fault_proxy.py")

    # 500.
    process, port = proxy(emulator_port, 1, "500")
    client = Client(port)
    status, headers, error = client.json("PUT", "/v20190125/meshes", {"meshName": "never-created", "spec": {}})
    expect(status == 500 and error.get("__type") == "InternalServerError"
           and headers.get("x-amzn-errortype") == "InternalServerError", f"500 injected as {status} {error}")
    client.close()
    stop(process, "fault_proxy.py")

    # Drop: the connection closes without an answer.
    process, port = proxy(emulator_port, 1, "drop")
    client = Client(port)
    try:
        client.call("GET", "/v20190125/meshes/selftest")
        fail("drop: an answer came back")
    except (http.client.RemoteDisconnected, ConnectionError):
        pass
    client.close()
    counters = stats(port)
    expect(counters["injected"]["drop"] == 1 and counters["forwarded"] == 0, f"drop proxy stats {counters}")
    stop(process, "fault_proxy.py")

    # Lost: the request reaches the emulator and is applied, and no answer comes back.
    process, port = proxy(emulator_port, 1, "lost")
    client = Client(port)
    try:
        client.call("PUT", "/v20190125/meshes", {"meshName": "selftest-lost", "spec": {}})
        fail("lost: an answer came back")
    except (http.client.RemoteDisconnected, ConnectionError):
        pass
    client.close()
    counters = stats(port)
    expect(counters["injected"]["lost"] == 1 and counters["forwarded"] == 0, f"lost proxy stats {counters}")
    stop(process, "fault_proxy.py")
    client = Client(emulator_port)
    status, _, _ = client.json("GET", "/v20190125/meshes/selftest-lost")
    expect(status == 200, f"a lost CreateMesh did not reach the emulator (DescribeMesh answered {status})")
    client.close()

    # Faulted requests never reached the emulator.
    client = Client(emulator_port)
    status, _, _ = client.json("GET", "/v20190125/meshes/never-created")
    expect(status == 404, f"a faulted CreateMesh reached the emulator (DescribeMesh answered {status})")
    client.close()

    # Rate 0: everything passes through verbatim, several requests on one keep-alive connection.
    process, port = proxy(emulator_port, 0, "throttle,500,drop")
    client = Client(port)
    status, _, described = client.json("GET", "/v20190125/meshes/selftest")
    expect(status == 200 and described.get("meshName") == "selftest", f"pass-through answered {status}: {described}")
    expect(isinstance(described["metadata"]["createdAt"], (int, float)), "pass-through lost the timestamp rewrite")
    status, _, error = client.json("GET", "/v20190125/meshes/absent")
    expect(status == 404 and error.get("__type") == "NotFoundException", f"pass-through of 404 answered {status}")
    status, _, tables = client.json("POST", "/", {}, service="dynamodb", target="DynamoDB_20120810.ListTables")
    expect(status == 200 and "TableNames" in tables, f"pass-through DynamoDB answered {status}: {tables}")
    client.close()
    counters = stats(port)
    expect(counters == {"requests": 3, "forwarded": 3, "injected": {"throttle": 0, "500": 0, "drop": 0, "deny": 0, "lost": 0}},
           f"pass-through proxy stats {counters}")
    stop(process, "fault_proxy.py")

    # A seeded rate: same seed, same decisions.
    shares = []
    for _ in range(2):
        process, port = proxy(emulator_port, 0.5, "throttle,500", seed=20261123)
        client = Client(port)
        for _ in range(20):
            client.call("GET", "/v20190125/meshes/selftest")
        client.close()
        shares.append(stats(port))
        stop(process, "fault_proxy.py")
    expect(shares[0] == shares[1], f"same seed, different faults: {shares}")
    expect(0 < shares[0]["forwarded"] < 20 and shares[0]["requests"] == 20, f"rate 0.5 gave {shares[0]}")

    # --only: only requests naming every substring are faulted; deny answers in the protocol's shape.
    process, port = proxy(emulator_port, 1, "deny", only=("Action=AssumeRole", "333333333333"))
    client = Client(port)
    status, _, described = client.json("GET", "/v20190125/meshes/selftest")
    expect(status == 200, f"--only faulted a request it does not name: {status} {described}")
    status, headers, error = client.json("GET", "/v20190125/meshes/selftest-333333333333")
    expect(status == 404, f"--only faulted a request naming one substring of two: {status} {error}")
    for account, denied in (("333333333333", True), ("444444444444", False)):
        form = (f"Action=AssumeRole&Version=2011-06-15&RoleSessionName=s"
                f"&RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3Arole%2Fmember").encode()
        client.connection.request("POST", "/", body=form, headers={
            "Authorization": AUTH.format("sts"), "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        response = client.connection.getresponse()
        raw = response.read()
        if denied:
            expect(response.status == 403 and b"<Code>AccessDenied</Code>" in raw,
                   f"AssumeRole of the denied account answered {response.status}: {raw[:300]!r}")
        else:
            expect(response.status == 200 and b"AssumeRoleResult" in raw,
                   f"AssumeRole of another account answered {response.status}: {raw[:300]!r}")
    status, headers, error = client.json("POST", "/", {"QueueName": "Action=AssumeRole 333333333333"},
                                         service="sqs", target="AmazonSQS.GetQueueUrl")
    expect(status == 403 and error.get("__type") == "AccessDeniedException"
           and headers.get("x-amzn-errortype") == "AccessDeniedException", f"JSON deny answered {status} {error}")
    client.close()
    counters = stats(port)
    expect(counters["requests"] == 5 and counters["injected"]["deny"] == 2 and counters["forwarded"] == 3,
           f"--only proxy stats {counters}")
    stop(process, "fault_proxy.py")

    # --record: the matching requests, their awsQuery form decoded; the others not recorded.
    process, port = proxy(emulator_port, 0, "throttle", record=("Action=AssumeRole",))
    client = Client(port)
    client.json("GET", "/v20190125/meshes/selftest")
    form = (b"Action=AssumeRole&Version=2011-06-15&RoleSessionName=s&ExternalId=ext-1%3Ax"
            b"&RoleArn=arn%3Aaws%3Aiam%3A%3A555555555555%3Arole%2Fmember")
    client.connection.request("POST", "/", body=form, headers={
        "Authorization": AUTH.format("sts"), "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    response = client.connection.getresponse()
    response.read()
    expect(response.status == 200, f"recorded AssumeRole answered {response.status}")
    status, _, recorded = client.json("GET", "/__faults/recorded")
    client.close()
    expect(status == 200 and len(recorded) == 1 and recorded[0]["params"].get("ExternalId") == "ext-1:x"
           and recorded[0]["params"].get("RoleArn") == "arn:aws:iam::555555555555:role/member",
           f"--record kept {recorded}")
    stop(process, "fault_proxy.py")

    # VPC Lattice (restJson1) through the proxy: PATCH, and an ARN (its "/" percent-encoded) in the
    # path, forwarded verbatim; a throttle is 429.
    network = lattice(emulator_port).create_service_network(name="selftest-proxy")
    process, port = proxy(emulator_port, 0, "throttle")
    api = lattice(port)
    updated = api.update_service_network(serviceNetworkIdentifier=network["arn"], authType="AWS_IAM")
    described = api.get_service_network(serviceNetworkIdentifier=network["arn"])
    expect(updated.get("authType") == described.get("authType") == "AWS_IAM",
           f"UpdateServiceNetwork through the proxy: {updated}, then {described}")
    counters = stats(port)
    expect(counters["forwarded"] == 2, f"Lattice pass-through proxy stats {counters}")
    stop(process, "fault_proxy.py")
    process, port = proxy(emulator_port, 1, "throttle")
    status, code = error_of(lattice(port).update_service_network, serviceNetworkIdentifier=network["id"],
                            authType="NONE")
    expect((status, code) == (429, "ThrottlingException"), f"Lattice throttle injected as {status} {code}")
    stop(process, "fault_proxy.py")


def main():
    launcher, emulator_port = start("moto_launcher.py", "--port", "0")
    check_launcher(emulator_port)
    check_identities(emulator_port)
    print("selftest: launcher OK (epoch-second timestamps, 404 NotFoundException, a uid per resource, "
          "account owners)")
    run_checks(LATTICE_CHECKS, emulator_port)
    print("selftest: VPC Lattice shims OK (Update*, stable Gets, GetServiceNetworkVpcAssociation, auth policy "
          "state, idempotent access log subscriptions, ARN identifiers, 404 ResourceNotFoundException; auth policy "
          "propagation, another account's ARNs, association counts, counted writes)")
    check_securityhub(emulator_port)
    print("selftest: Security Hub shims OK (BatchUpdateFindings sets Workflow and Note; imports keep them)")
    run_checks(ECS_CHECKS, emulator_port)
    print("selftest: ECS shims OK (Service Connect per deployment on Create/UpdateService, task definition ARNs, "
          "createdAt/createdBy, DRAINING/INACTIVE, ListClusters/ListServices pages; tags, failures, ARNs left alone)")
    check_proxy(emulator_port)
    print("selftest: fault proxy OK (throttle 429/400, 500, drop, deny, lost, --only, pass-through, keep-alive, stats, "
          "seed, Lattice PATCH, --record)")
    stop(launcher, "moto_launcher.py")
    print("selftest: emulator shims and fault proxy OK")


if __name__ == "__main__":
    main()
