"""Cold start and footprint of the `bootstrap` binary, against a minimal local Lambda runtime API.

* init: process start → its first poll of /runtime/invocation/next, over several runs, for the
  Rust bootstrap and, in the same run, for a Python baseline doing the same init (boto3 + two
  clients: python_baseline.py);
* peak RSS (VmHWM) of the bootstrap after handling N real events (UpdateMesh on a compliant mesh
  in the emulator: one DescribeMesh, the history put and the STATE update each), its events/s
  and its CPU time per event (user + system, from /proc);
* what each event writes to CloudWatch Logs at the default level (info): the bytes of the log
  line and of the EMF metrics line, as the function prints them to stdout;
* the size of the deployment zip (the bootstrap, deflated).

Run under scripts/with-emulator.sh (scripts/bench.sh does). Prints JSON.
    coldstart.py --bootstrap target/release/bootstrap [--runs 20] [--events 1000] [--keep-stdout PATH]
"""

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT, REGION = "123456789012", os.environ.get("AWS_REGION", "us-east-1")


class RuntimeApi:
    """The parts of the Lambda runtime API a function uses: next, response, error."""

    def __init__(self, events):
        self.events = list(events)
        self.expected = len(self.events)
        self.answered = threading.Event()
        self.first_poll = threading.Event()
        self.first_poll_at = None
        self.responses = 0
        self.errors = 0
        self.error_bodies = []  # the first few, to say what went wrong
        self.done = threading.Event()
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_):
                pass

            def do_GET(self):
                with api.lock:
                    if api.first_poll_at is None:
                        api.first_poll_at = time.perf_counter()
                        api.first_poll.set()
                    event = api.events.pop(0) if api.events else None
                if event is None:
                    api.done.wait()  # nothing more to hand out: hold the poll until shutdown
                    return
                body = json.dumps(event).encode()
                self.send_response(200)
                for key, value in (("Lambda-Runtime-Aws-Request-Id", str(uuid.uuid4())),
                                   ("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000)),
                                   ("Lambda-Runtime-Invoked-Function-Arn", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:meshwarden"),
                                   ("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000"),
                                   ("Content-Type", "application/json"), ("Content-Length", str(len(body)))):
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with api.lock:
                    if self.path.endswith("/response"):
                        api.responses += 1
                    else:
                        api.errors += 1
                        if len(api.error_bodies) < 5:
                            api.error_bodies.append(body.decode(errors="replace"))
                    if api.responses + api.errors >= api.expected:
                        api.answered.set()
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.address = f"127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.done.set()
        self.server.shutdown()


def lambda_env(api, extra):
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=api.address, AWS_LAMBDA_FUNCTION_NAME="meshwarden",
               AWS_LAMBDA_FUNCTION_VERSION="1", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256", RUST_LOG="warn")
    env.update(extra)
    return env


def time_init(command, extra_env):
    """Seconds from spawning `command` to its first poll."""
    api = RuntimeApi([])
    started = time.perf_counter()
    process = subprocess.Popen(command, env=lambda_env(api, extra_env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not api.first_poll.wait(60):
            sys.exit(f"{command[0]} never polled the runtime API")
        return api.first_poll_at - started
    finally:
        process.kill()
        process.wait()
        api.close()


def vm(pid, key):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024  # MiB
    return None


def cpu_seconds(pid):
    """User + system CPU time of a process so far (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def line_bytes(path, events):
    """Bytes per event of the log lines and of the EMF lines in the function's stdout."""
    logs = emf = 0
    with open(path, "rb") as out:
        for line in out:
            if line.startswith(b'{"_aws"'):
                emf += len(line)
            else:
                logs += len(line)
    return {"logBytesPerEvent": round(logs / events), "emfBytesPerEvent": round(emf / events)}


def summary(samples):
    if not samples:
        return None
    ms = sorted(s * 1000 for s in samples)
    return {"runs": len(ms), "p50Ms": round(statistics.median(ms), 2), "minMs": round(ms[0], 2), "maxMs": round(ms[-1], 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--runs", type=int, default=20, help="cold starts timed per arm (0: none, bytes only)")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--keep-stdout", metavar="PATH", help="keep the function's stdout there (to trace each line)")
    args = parser.parse_args()

    table, mesh = f"coldstart-{uuid.uuid4().hex[:8]}", f"coldstart-{uuid.uuid4().hex[:8]}"
    dynamodb, appmesh = boto3.client("dynamodb"), boto3.client("appmesh")
    dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    version = appmesh.create_mesh(meshName=mesh, spec={"egressFilter": {"type": "DROP_ALL"}})["mesh"]["metadata"]["version"]
    env = {"MESHWARDEN_TABLE": table}

    rust, python = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine state
        rust.append(time_init([args.bootstrap], env))
        python.append(time_init([sys.executable, os.path.join(HERE, "python_baseline.py")], env))

    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    events = [{"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail", "source": "aws.appmesh",
               "account": ACCOUNT, "time": now, "region": REGION, "resources": [],
               "detail": {"eventVersion": "1.09", "eventID": str(uuid.uuid4()), "eventName": "UpdateMesh",
                          "eventSource": "appmesh.amazonaws.com", "eventTime": now, "awsRegion": REGION,
                          "recipientAccountId": ACCOUNT, "userIdentity": {"arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/admin/a"},
                          "requestParameters": {"meshName": mesh},
                          "responseElements": {"mesh": {"meshName": mesh, "metadata": {"version": version}}}}}
              for _ in range(args.events)]
    api = RuntimeApi(events)
    # What the function prints at its default level (info), as Lambda would ship it to CloudWatch.
    stdout_path = f"/tmp/{table}.stdout"
    with open(stdout_path, "wb") as stdout:
        process = subprocess.Popen([args.bootstrap], env=lambda_env(api, dict(env, RUST_LOG="info")),
                                   stdout=stdout, stderr=subprocess.DEVNULL)
        api.first_poll.wait(60)
        cpu_before = cpu_seconds(process.pid)  # init excluded
        started = time.perf_counter()
        if not api.answered.wait(600):
            sys.exit(f"the function answered {api.responses} of {args.events} events within 600 s")
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(process.pid) - cpu_before
        peak, current = vm(process.pid, "VmHWM"), vm(process.pid, "VmRSS")
        process.kill()
        process.wait()
    api.close()
    sizes = line_bytes(stdout_path, args.events)
    if args.keep_stdout:
        shutil.move(stdout_path, args.keep_stdout)
    else:
        os.remove(stdout_path)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(args.bootstrap, "bootstrap")
    print(json.dumps({
        "initRust": summary(rust), "initPythonBoto3": summary(python),
        "events": args.events, "responses": api.responses, "errors": api.errors,
        "eventsPerSecond": round(args.events / elapsed, 1), "peakRssMiB": round(peak, 1), "rssMiB": round(current, 1),
        "cpuMsPerEvent": round(cpu * 1000 / args.events, 3), **sizes,
        "binaryMiB": round(os.path.getsize(args.bootstrap) / 2**20, 2), "zipMiB": round(len(buffer.getvalue()) / 2**20, 2),
    }, indent=2))
    for body in api.error_bodies:
        print(f"function error: {body}", file=sys.stderr)
    if api.errors or api.responses < args.events:
        sys.exit(f"the function answered {api.responses} of {args.events} events ({api.errors} errors)")


if __name__ == "__main__":
    main()
