"""Wait until something accepts TCP connections on 127.0.0.1:PORT (at most TIMEOUT seconds).

    wait_port.py PORT [TIMEOUT]      exit 0 when connectable, 1 on timeout
"""

import socket
import sys
import time

port, timeout = int(sys.argv[1]), float(sys.argv[2] if len(sys.argv) > 2 else 60)
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
