"""A fault-injecting HTTP proxy for tests: sits between the AWS SDK and the emulator and, for a
seeded share of requests, answers with throttling, a 500, or a dropped connection instead of
forwarding. Faulted requests never reach the emulator, so a retry is always safe.

Usage: python fault_proxy.py --target http://127.0.0.1:PORT [--listen-port 0] [--fault-rate 0.2]
                             [--seed N] [--kinds throttle,500,drop]
Prints "LISTENING <port>" when ready. GET /__faults/stats (never faulted) returns
{"requests": n, "forwarded": n, "injected": {"throttle": n, "500": n, "drop": n}}.
"""

import argparse
import http.client
import json
import random
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class State:
    """Seeded fault decisions and counters, shared by the handler threads."""

    def __init__(self, rate, seed, kinds):
        self.rate, self.kinds = rate, kinds
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.stats = {"requests": 0, "forwarded": 0, "injected": {kind: 0 for kind in kinds}}

    def decide(self):
        """The fault for the next request, or None to forward it."""
        with self.lock:
            self.stats["requests"] += 1
            if self.kinds and self.random.random() < self.rate:
                kind = self.random.choice(self.kinds)
                self.stats["injected"][kind] += 1
                return kind
            self.stats["forwarded"] += 1
            return None

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.stats))


def make_handler(state, target):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args):
            pass

        def _respond(self, status, headers, body):
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status, error_type, message):
            body = json.dumps({"__type": error_type, "message": message}).encode()
            self._respond(status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", error_type)], body)

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path == "/__faults/stats":
                self._respond(200, [("Content-Type", "application/json")], json.dumps(state.snapshot()).encode())
                return
            fault = state.decide()
            if fault == "drop":
                # Close without a response: the SDK sees a reset connection.
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if fault == "throttle":
                # DynamoDB (awsJson, X-Amz-Target) signals throttling with 400; restJson services with 429.
                status = 400 if self.headers.get("X-Amz-Target") else 429
                self._error(status, "ThrottlingException", "Rate exceeded (injected)")
                return
            if fault == "500":
                self._error(500, "InternalServerError", "injected")
                return
            self._forward(body)

        def _forward(self, body):
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                headers = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP | {"content-length"}]
                self._respond(response.status, headers, data)
            finally:
                connection.close()

        do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _handle

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--listen-port", type=int, default=0)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default="throttle,500,drop")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    unknown = set(kinds) - {"throttle", "500", "drop"}
    if unknown:
        parser.error(f"unknown fault kinds: {sorted(unknown)}")
    state = State(args.fault_rate, args.seed, kinds)
    server = ThreadingHTTPServer(("127.0.0.1", args.listen_port), make_handler(state, urlsplit(args.target)))
    server.daemon_threads = True
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
