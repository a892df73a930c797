"""Self-test of the emulator harness: the launcher's two shims and the fault proxy behave as the
Rust suites assume. Run with the venv's python (scripts/test.sh does). Exits non-zero on failure.
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
AUTH = {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261123/us-east-1/appmesh/aws4_request"}


def start(*args):
    process = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if not line.startswith("LISTENING "):
        process.kill()
        sys.exit(f"selftest: {args[0]} did not announce its port (got {line!r})")
    return process, f"http://127.0.0.1:{line.split()[1]}"


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={**AUTH, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def expect(condition, message):
    if not condition:
        sys.exit(f"selftest: {message}")


def main():
    moto, endpoint = start(os.path.join(HERE, "moto_launcher.py"), "--port", "0")
    proxy = None
    try:
        status, _, created = call("PUT", f"{endpoint}/v20190125/meshes", {"meshName": "selftest", "spec": {}})
        expect(status == 200, f"CreateMesh answered {status}: {created}")
        status, _, described = call("GET", f"{endpoint}/v20190125/meshes/selftest")
        metadata = described["metadata"]
        expect(all(isinstance(metadata[k], (int, float)) for k in ("createdAt", "lastUpdatedAt")),
               f"timestamps are not epoch seconds: {metadata}")
        status, headers, error = call("GET", f"{endpoint}/v20190125/meshes/absent")
        expect(status == 404 and error["__type"] == "NotFoundException", f"not-found is {status} {error}")

        proxy, proxied = start(os.path.join(HERE, "fault_proxy.py"), "--target", endpoint, "--fault-rate", "1",
                               "--kinds", "throttle", "--seed", "7")
        status, headers, error = call("GET", f"{proxied}/v20190125/meshes/selftest")
        expect(status == 429 and error["__type"] == "ThrottlingException", f"throttle injected as {status} {error}")
        proxy.kill()
        proxy.wait()
        proxy, proxied = start(os.path.join(HERE, "fault_proxy.py"), "--target", endpoint, "--fault-rate", "0")
        status, _, described = call("GET", f"{proxied}/v20190125/meshes/selftest")
        expect(status == 200 and described["meshName"] == "selftest", f"pass-through answered {status}")
        _, _, stats = call("GET", f"{proxied}/__faults/stats")
        expect(stats["requests"] == 1 and stats["forwarded"] == 1, f"stats {stats}")
    finally:
        for process in (moto, proxy):
            if process:
                process.kill()
                process.wait()
    print("selftest: emulator shims and fault proxy OK")


if __name__ == "__main__":
    main()
