"""Self-test of the emulator harness: the launcher's shims and the fault proxy behave as the
Rust suites assume. Run with the venv's python (scripts/test.sh does). Exits non-zero, naming the
failed check, on any failure; stops every process it started.
"""

import atexit
import http.client
import tempfile
import json
import os
import subprocess
import sys
import threading
import time

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

    def call(self, method, path, body=None, service="appmesh", target=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": AUTH.format(service)}
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


def proxy(emulator_port, rate, kinds, seed=7, only=()):
    return start("fault_proxy.py", "--listen-port", "0", "--target", f"http://127.0.0.1:{emulator_port}",
                 "--fault-rate", str(rate), "--kinds", kinds, "--seed", str(seed),
                 *[arg for needle in only for arg in ("--only", needle)])


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
    expect(counters == {"requests": 3, "forwarded": 0, "injected": {"throttle": 3, "500": 0, "drop": 0, "deny": 0}},
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
    expect(counters == {"requests": 3, "forwarded": 3, "injected": {"throttle": 0, "500": 0, "drop": 0, "deny": 0}},
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


def main():
    launcher, emulator_port = start("moto_launcher.py", "--port", "0")
    check_launcher(emulator_port)
    check_identities(emulator_port)
    print("selftest: launcher OK (epoch-second timestamps, 404 NotFoundException, a uid per resource, "
          "account owners)")
    check_proxy(emulator_port)
    print("selftest: fault proxy OK (throttle 429/400, 500, drop, deny, --only, pass-through, keep-alive, stats, seed)")
    stop(launcher, "moto_launcher.py")
    print("selftest: emulator shims and fault proxy OK")


if __name__ == "__main__":
    main()
