"""A fault-injecting HTTP/1.1 proxy for tests: sits between the AWS SDK and the emulator and, for a
seeded share of requests, answers with throttling, a 500, or a dropped connection instead of
forwarding. Those faulted requests never reach the emulator, so a retry is always safe. The fault
"lost" is the other case: the request is forwarded and applied, and its answer is lost (the
connection closes without it), as when a response times out after the service took the call.
Standard library only.

Usage: python fault_proxy.py --target http://127.0.0.1:PORT [--listen-port 0] [--fault-rate 0.2]
                             [--seed N] [--kinds throttle,500,drop,deny,lost] [--only SUBSTRING]...
                             [--record SUBSTRING]...
Prints "LISTENING <port>" on stdout when ready, and nothing else there (diagnostics go to stderr).
With --only, a request may be faulted only when every SUBSTRING occurs in its path, X-Amz-Target
or body; the others are always forwarded (and draw no random number).
GET /__faults/stats (never faulted, not counted) returns
{"requests": n, "forwarded": n, "injected": {"throttle": n, "500": n, "drop": n, "deny": n, "lost": n}}
(a lost request counts as injected, not forwarded).
With --record, every request whose path, X-Amz-Target or body contains one of the SUBSTRINGs is
recorded (faulted or not): GET /__faults/recorded (never faulted, not counted) returns them in
order as [{"method": ..., "path": ..., "target": ..., "params": {NAME: VALUE}}], params being the
decoded form of an awsQuery body (STS: Action=AssumeRole&RoleArn=...&ExternalId=...) and {} for
other bodies, target the X-Amz-Target header of awsJson calls (Organizations, DynamoDB) or "".
"""

import argparse
import http.client
import json
import random
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

KINDS = ("throttle", "500", "drop", "deny", "lost")
# Per-connection headers (RFC 9110 §7.6.1), and those this proxy recomputes itself.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect"}
STATS_PATH = "/__faults/stats"
RECORDED_PATH = "/__faults/recorded"


class State:
    """Seeded fault decisions and counters, shared by the handler threads."""

    def __init__(self, rate, seed, kinds):
        self.rate, self.kinds = rate, kinds
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.stats = {"requests": 0, "forwarded": 0, "injected": {kind: 0 for kind in KINDS}}
        self.recorded = []

    def decide(self, eligible=True):
        """The fault for the next request, or None to forward it (counted either way). A request
        that is not eligible (see --only) is forwarded without drawing a random number."""
        with self.lock:
            self.stats["requests"] += 1
            if eligible and self.kinds and self.random.random() < self.rate:
                kind = self.random.choice(self.kinds)
                self.stats["injected"][kind] += 1
                return kind
            self.stats["forwarded"] += 1
            return None

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.stats))

    def record(self, entry):
        with self.lock:
            self.recorded.append(entry)

    def recordings(self):
        with self.lock:
            return list(self.recorded)


def make_handler(state, target, only=(), record=()):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: every response carries a Content-Length

        def log_message(self, *_args):
            pass

        def __getattr__(self, name):
            # Any method (GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS, ...) is handled alike.
            if name.startswith("do_"):
                return self._handle
            raise AttributeError(name)

        def _read_body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _respond(self, status, headers, body, length=None):
            self.send_response_only(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.wfile.flush()

        def _error(self, status, error_type, message):
            body = json.dumps({"__type": error_type, "message": message}).encode()
            headers = [("Content-Type", "application/x-amz-json-1.0" if self._is_aws_json() else "application/json"),
                       ("x-amzn-ErrorType", error_type), ("x-amzn-RequestId", "fault-proxy")]
            self._respond(status, headers, body)

        def _is_aws_json(self):
            # DynamoDB (awsJson1_0) names the operation in X-Amz-Target; restJson1 services don't.
            return self.headers.get("X-Amz-Target") is not None

        def _is_aws_query(self):
            # STS (awsQuery) posts a form: Action=AssumeRole&...
            return self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")

        def _deny(self):
            message = "fault proxy: not authorized"
            if self._is_aws_query():
                body = ("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                        f"<Message>{message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>").encode()
                self._respond(403, [("Content-Type", "text/xml"), ("x-amzn-RequestId", "fault-proxy")], body)
            else:
                self._error(403, "AccessDeniedException", message)

        def _text(self, body):
            """What --only and --record look for a SUBSTRING in."""
            return "\n".join((self.path, self.headers.get("X-Amz-Target", ""), body.decode("latin-1")))

        def _record(self, body):
            if any(needle in self._text(body) for needle in record):
                params = dict(parse_qsl(body.decode("utf-8", "replace"))) if self._is_aws_query() else {}
                state.record({"method": self.command, "path": self.path,
                              "target": self.headers.get("X-Amz-Target", ""), "params": params})

        def _eligible(self, body):
            return all(needle in self._text(body) for needle in only)

        def _handle(self):
            body = self._read_body()
            if self.command == "GET" and self.path.split("?")[0] == STATS_PATH:
                self._respond(200, [("Content-Type", "application/json")], json.dumps(state.snapshot()).encode())
                return
            if self.command == "GET" and self.path.split("?")[0] == RECORDED_PATH:
                self._respond(200, [("Content-Type", "application/json")], json.dumps(state.recordings()).encode())
                return
            self._record(body)
            fault = state.decide(self._eligible(body))
            if fault in ("drop", "lost"):
                if fault == "lost":
                    self._forward(body, answer=False)
                # Close without a response: the SDK sees the connection closed/reset mid-call.
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            elif fault == "throttle":
                # awsJson signals throttling with 400 + __type; restJson services with 429.
                self._error(400 if self._is_aws_json() else 429, "ThrottlingException", "Rate exceeded")
            elif fault == "500":
                self._error(500, "InternalServerError", "injected")
            elif fault == "deny":
                self._deny()
            else:
                self._forward(body)

        def _forward(self, body, answer=True):
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            if body or "content-length" in {k.lower() for k in headers}:
                headers = {k: v for k, v in headers.items() if k.lower() != "content-length"}
                headers["Content-Length"] = str(len(body))
            upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=60)
            try:
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                response = upstream.getresponse()
                data = response.read()
                if not answer:
                    return
                passed = [(k, v) for k, v in response.getheaders()
                          if k.lower() not in HOP_BY_HOP | {"content-length"}]
                # HEAD: repeat the target's Content-Length, send no body.
                length = response.getheader("Content-Length") if self.command == "HEAD" else None
                self._respond(response.status, passed, data, length=length or None)
            except (OSError, http.client.HTTPException) as error:
                print(f"fault_proxy: target {target.geturl()} failed: {error!r}", file=sys.stderr, flush=True)
                self.close_connection = True
                self._error(502, "BadGateway", f"fault proxy: target failed: {error}")
            finally:
                upstream.close()

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="http://HOST:PORT to forward to")
    parser.add_argument("--listen-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--fault-rate", type=float, default=0.2, help="share of requests faulted, 0..1")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default="throttle,500,drop", help="comma-separated: throttle,500,drop,deny,lost")
    parser.add_argument("--only", action="append", default=[], metavar="SUBSTRING",
                        help="fault only requests whose path or body contains SUBSTRING (repeat: all of them)")
    parser.add_argument("--record", action="append", default=[], metavar="SUBSTRING",
                        help=f"record requests whose path or body contains SUBSTRING (GET {RECORDED_PATH})")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown fault kinds: {sorted(unknown)} (known: {','.join(KINDS)})")
    if not 0.0 <= args.fault_rate <= 1.0:
        parser.error("--fault-rate must be within 0..1")
    target = urlsplit(args.target)
    if target.scheme != "http" or not target.hostname:
        parser.error("--target must be an http://HOST:PORT URL")

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    server = Server(("127.0.0.1", args.listen_port), make_handler(State(args.fault_rate, args.seed, kinds), target, tuple(args.only), tuple(args.record)))

    def stop(_signum, _frame):
        # serve_forever() runs in this (the main) thread, so shutdown() must come from another one;
        # the loop then ends at its next poll. No exception is thrown into whatever the main
        # thread happens to be doing.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()  # handler threads are daemons: nothing to wait for
    return 0


if __name__ == "__main__":
    sys.exit(main())
