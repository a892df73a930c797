"""AWS-side helpers for the demo (scripts/demo.sh), run against the local emulator with boto3:
create the table and the seeds' resources, make a drift, write the CloudTrail event a change
would produce, and report the final state.

    demo_aws.py table NAME
    demo_aws.py create-seeds                      → prints the mesh and gateway versions
    demo_aws.py drift-mesh | drift-gateway        → re-applies the bad setting, prints the version
    demo_aws.py event NAME KIND VERSION FILE      → writes an EventBridge CloudTrail event
    demo_aws.py create-lattice                    → a compliant service network and a service with
                                                    an HTTP listener; prints their ids
    demo_aws.py open-network ID                   → deletes its auth policy, sets auth type NONE
    demo_aws.py lattice-event NAME ID FILE        → the EventBridge event of a VPC Lattice call
    demo_aws.py final-state [FILE]                → prints (and writes) the resources' settings
"""

import datetime
import json
import sys
import uuid

import boto3

MESH = "cc-production-app-mesh"
GATEWAY = "cc-prod-mesh-virtual-gateway"
ACCOUNT = "123456789012"  # moto's account
REGION = "us-east-1"
ADMIN = "platform-admin"
GATEWAY_SPEC = {"listeners": [{"portMapping": {"port": 8080, "protocol": "http"}}], "backendDefaults": {"clientPolicy": {}}}


POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]})
LOGS = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/demo/lattice-access"


def appmesh():
    return boto3.client("appmesh", region_name=REGION)


def lattice():
    return boto3.client("vpc-lattice", region_name=REGION)


def table(name):
    client = boto3.client("dynamodb", region_name=REGION)
    attribute = lambda n: {"AttributeName": n, "AttributeType": "S"}
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[attribute("pk"), attribute("sk"), attribute("nonCompliant")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "nonCompliant",
            "KeySchema": [{"AttributeName": "nonCompliant", "KeyType": "HASH"}, {"AttributeName": "pk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
    )


def create_seeds():
    mesh = appmesh().create_mesh(meshName=MESH, spec={"egressFilter": {"type": "ALLOW_ALL"}})
    gateway = appmesh().create_virtual_gateway(meshName=MESH, virtualGatewayName=GATEWAY, spec=GATEWAY_SPEC)
    print(mesh["mesh"]["metadata"]["version"], gateway["virtualGateway"]["metadata"]["version"])


def drift_mesh():
    out = appmesh().update_mesh(meshName=MESH, spec={"egressFilter": {"type": "ALLOW_ALL"}})
    print(out["mesh"]["metadata"]["version"])


def drift_gateway():
    out = appmesh().update_virtual_gateway(meshName=MESH, virtualGatewayName=GATEWAY, spec=GATEWAY_SPEC)
    print(out["virtualGateway"]["metadata"]["version"])


def event(name, kind, version, path):
    if kind == "mesh":
        request = {"meshName": MESH, "spec": {"egressFilter": {"type": "ALLOW_ALL"}}}
        response = {"mesh": {"meshName": MESH, "spec": request["spec"], "metadata": {"version": int(version)}}}
    else:
        request = {"meshName": MESH, "virtualGatewayName": GATEWAY, "spec": GATEWAY_SPEC}
        response = {"virtualGateway": {**request, "metadata": {"version": int(version)}}}
    write_event(("aws.appmesh", "appmesh.amazonaws.com"), name, request, response, path)


def write_event(source, name, request, response, path):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{ADMIN}/alice", "accountId": ACCOUNT,
                         "sessionContext": {"sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/{ADMIN}"}}},
        "eventTime": now, "eventSource": source[1], "eventName": name, "awsRegion": REGION,
        "sourceIPAddress": "192.0.2.10", "userAgent": "aws-cli/2.22.0", "requestParameters": request,
        "responseElements": response, "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()), "readOnly": False,
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCOUNT,
    }
    envelope = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail", "source": source[0],
                "account": ACCOUNT, "time": now, "region": REGION, "resources": [], "detail": record}
    with open(path, "w") as out:
        json.dump(envelope, out)


def create_lattice():
    client = lattice()
    network = client.create_service_network(name="payments-network", authType="AWS_IAM")["id"]
    client.put_auth_policy(resourceIdentifier=network, policy=POLICY)
    client.create_access_log_subscription(resourceIdentifier=network, destinationArn=LOGS)
    group = client.create_target_group(name="payments-targets", type="IP", config={
        "port": 443, "protocol": "HTTPS", "vpcIdentifier": "vpc-0demo", "healthCheck": {"enabled": True}})["id"]
    service = client.create_service(name="payments", authType="AWS_IAM")["id"]
    client.put_auth_policy(resourceIdentifier=service, policy=POLICY)
    client.create_access_log_subscription(resourceIdentifier=service, destinationArn=LOGS)
    client.create_listener(serviceIdentifier=service, name="plain-http", protocol="HTTP", port=80,
                           defaultAction={"forward": {"targetGroups": [{"targetGroupIdentifier": group, "weight": 100}]}})
    print(network, service)


def open_network(network):
    client = lattice()
    try:
        client.delete_auth_policy(resourceIdentifier=network)
    except client.exceptions.ResourceNotFoundException:
        pass
    client.update_service_network(serviceNetworkIdentifier=network, authType="NONE")


def lattice_event(name, resource_id, path):
    key = "serviceNetworkIdentifier" if resource_id.startswith("sn-") else "serviceIdentifier"
    requests = {"CreateServiceNetwork": ({"name": "payments-network", "authType": "AWS_IAM"}, {"id": resource_id}),
                "UpdateServiceNetwork": ({key: resource_id, "authType": "NONE"}, {"id": resource_id, "authType": "NONE"}),
                "CreateListener": ({key: resource_id, "name": "plain-http", "protocol": "HTTP", "port": 80},
                                   {"serviceId": resource_id, "protocol": "HTTP", "port": 80})}
    request, response = requests[name]
    write_event(("aws.vpc-lattice", "vpc-lattice.amazonaws.com"), name, request, response, path)


def final_state(path=None):
    mesh = appmesh().describe_mesh(meshName=MESH)["mesh"]
    gateway = appmesh().describe_virtual_gateway(meshName=MESH, virtualGatewayName=GATEWAY)["virtualGateway"]
    tls = gateway["spec"].get("backendDefaults", {}).get("clientPolicy", {}).get("tls") or {}
    state = {"meshEgress": (mesh["spec"].get("egressFilter") or {}).get("type"),
             "gatewayTlsEnforced": tls.get("enforce") if tls else None,
             "gatewayTrust": sorted((tls.get("validation") or {}).get("trust", {}).keys()) if tls else []}
    client = lattice()
    for network in client.list_service_networks()["items"]:
        state["networkAuthType"] = client.get_service_network(serviceNetworkIdentifier=network["id"]).get("authType")
        try:
            policy = client.get_auth_policy(resourceIdentifier=network["id"]).get("policy")
        except client.exceptions.ResourceNotFoundException:
            policy = None
        state["networkPolicyRestored"] = policy == POLICY
    for service in client.list_services()["items"]:
        listeners = client.list_listeners(serviceIdentifier=service["id"])["items"]
        state["listenerProtocols"] = sorted(l["protocol"] for l in listeners)
    print(json.dumps(state))
    if path:
        with open(path, "w") as out:
            json.dump(state, out)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"table": table, "create-seeds": create_seeds, "drift-mesh": drift_mesh, "drift-gateway": drift_gateway,
     "event": event, "create-lattice": create_lattice, "open-network": open_network,
     "lattice-event": lattice_event, "final-state": final_state}[command](*args)
