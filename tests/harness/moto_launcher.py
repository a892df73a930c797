"""Start moto's server on 127.0.0.1 with two test-harness shims (see README.md beside this file).

moto 5.2.x departs from the App Mesh API in two ways the Rust SDK (rightly) notices:
* it renders ``createdAt``/``lastUpdatedAt`` as ``"22/11/2026, 23:34:17"`` where the API uses
  epoch seconds, and the SDK refuses the string: they are rewritten to epoch seconds;
* it answers a missing mesh/gateway/node with HTTP 400 ``MeshNotFound`` (etc.) where the API
  answers 404 ``NotFoundException``: those are rewritten to the API's error.
Nothing else is touched, and product code never knows about it.

Usage: python moto_launcher.py [--port 0]   → prints "LISTENING <port>" once it accepts requests.
"""

import argparse
import calendar
import json
import re
import signal
import sys
import time

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

MOTO_TIME = re.compile(r"^\d{2}/\d{2}/\d{4}, \d{2}:\d{2}:\d{2}$")
TIME_KEYS = ("createdAt", "lastUpdatedAt")


def to_epoch(value):
    """'22/11/2026, 23:34:17' (moto's naive UTC) → 1795390457.0; anything else unchanged."""
    if isinstance(value, str) and MOTO_TIME.match(value):
        return float(calendar.timegm(time.strptime(value, "%d/%m/%Y, %H:%M:%S")))
    return value


def rewrite(node):
    """Rewrite the time members anywhere in a JSON document; True when something changed."""
    changed = False
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TIME_KEYS:
                new = to_epoch(value)
                if new is not value:
                    node[key] = new
                    changed = True
            else:
                changed |= rewrite(value)
    elif isinstance(node, list):
        for item in node:
            changed |= rewrite(item)
    return changed


APPMESH_PREFIX = "/v20190125/"


def not_found_as_the_api_says(status, headers, body):
    """moto's 400 ``<Kind>NotFound`` → the API's 404 ``NotFoundException``."""
    try:
        error = json.loads(body)
    except ValueError:
        return status, headers, body
    if not (isinstance(error, dict) and str(error.get("__type", "")).endswith("NotFound")):
        return status, headers, body
    body = json.dumps({"__type": "NotFoundException", "message": error.get("message", "")}).encode()
    headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "x-amzn-errortype")]
    headers += [("x-amzn-ErrorType", "NotFoundException"), ("Content-Length", str(len(body)))]
    return "404 NOT FOUND", headers, body


class ApiShim:
    """WSGI middleware: buffers JSON responses that mention a time key and rewrites them.

    moto labels App Mesh's JSON as text/html, so the body, not the Content-Type, decides.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        body = b"".join(self.app(environ, capture))
        headers = captured.get("headers", [])
        status = captured.get("status", "500 INTERNAL SERVER ERROR")
        if environ.get("PATH_INFO", "").startswith(APPMESH_PREFIX) and status.startswith("400"):
            status, headers, body = not_found_as_the_api_says(status, headers, body)
        if body.lstrip().startswith(b"{") and (b"createdAt" in body or b"lastUpdatedAt" in body):
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            if document is not None and rewrite(document):
                body = json.dumps(document).encode()
                headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
                headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    app = ApiShim(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=MotoRequestHandler)

    def stop(_signum, _frame):
        # serve_forever() runs in this thread: leave through an exception, not shutdown().
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
