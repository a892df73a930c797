#!/usr/bin/env bash
# Run a command with the local AWS emulator: moto's server (through tests/harness/moto_launcher.py)
# on a free 127.0.0.1 port, fake credentials, no instance metadata. Stops the emulator afterwards
# and returns the command's exit status.
#   scripts/with-emulator.sh cargo test --workspace
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/venv.sh"

workdir="$(mktemp -d)"
log="$workdir/emulator.log"
"$MESHWARDEN_PYTHON" "$MESHWARDEN_ROOT/tests/harness/moto_launcher.py" --port 0 >"$workdir/port" 2>"$log" &
emulator=$!
stop() {
    kill "$emulator" 2>/dev/null || true
    wait "$emulator" 2>/dev/null || true
    rm -rf "$workdir"
}
trap stop EXIT INT TERM

port=""
for _ in $(seq 1 300); do  # up to 30 s for the LISTENING line (moto imports take a few seconds)
    port="$(awk '/^LISTENING/{print $2}' "$workdir/port")"
    [ -n "$port" ] && break
    if ! kill -0 "$emulator" 2>/dev/null; then
        echo "error: the emulator exited during start-up:" >&2; cat "$log" >&2; exit 1
    fi
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "error: the emulator did not start within 30 s:" >&2; cat "$log" >&2; exit 1
fi
# Readiness: the socket answers an HTTP request.
curl -sf -o /dev/null --retry 20 --retry-connrefused --retry-delay 0 "http://127.0.0.1:$port/moto-api/" \
    || { echo "error: the emulator on port $port does not answer" >&2; cat "$log" >&2; exit 1; }

unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION="${AWS_REGION:-us-east-1}" AWS_DEFAULT_REGION="${AWS_REGION:-us-east-1}"
export AWS_EC2_METADATA_DISABLED=true
export MESHWARDEN_FAULT_PROXY="$MESHWARDEN_ROOT/tests/harness/fault_proxy.py"
export MESHWARDEN_EMULATOR_LOG="$log"
echo "==> emulator on $AWS_ENDPOINT_URL" >&2
status=0
"$@" || status=$?
exit "$status"
