#!/usr/bin/env bash
# Run a command with the local AWS emulator: moto's server (through tests/harness/moto_launcher.py)
# on a free 127.0.0.1 port, fake credentials, us-east-1, no instance metadata. Stops the emulator
# afterwards (also on Ctrl-C / SIGTERM) and returns the command's exit status.
#   scripts/with-emulator.sh cargo test --workspace
# The command sees: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY=testing, AWS_REGION,
# AWS_DEFAULT_REGION, AWS_EC2_METADATA_DISABLED=true, MESHWARDEN_PYTHON (the .venv's python),
# MESHWARDEN_FAULT_PROXY (tests/harness/fault_proxy.py) and MESHWARDEN_EMULATOR_LOG (its log file).
set -euo pipefail
if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib/venv.sh"

# A clean AWS environment, for the emulator too: moto uses boto3 itself, and a stray AWS_PROFILE
# (or the like) makes every request fail inside it with HTTP 500.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CONFIG_FILE \
    AWS_SHARED_CREDENTIALS_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_WEB_IDENTITY_TOKEN_FILE \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN
# Service-specific endpoint variables would win over AWS_ENDPOINT_URL.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^AWS_ENDPOINT_URL_' || true)
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
unset AWS_ENDPOINT_URL

workdir="$(mktemp -d "${TMPDIR:-/tmp}/meshwarden-emulator.XXXXXX")"
log="$workdir/emulator.log"
emulator=""
stop() {
    if [ -n "$emulator" ]; then
        kill -TERM "$emulator" 2>/dev/null || true
        # Up to 10 s for a clean exit, then SIGKILL.
        for _ in $(seq 1 100); do kill -0 "$emulator" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$emulator" 2>/dev/null || true
        wait "$emulator" 2>/dev/null || true
        emulator=""
    fi
    rm -rf "$workdir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$MESHWARDEN_PYTHON" "$MESHWARDEN_ROOT/tests/harness/moto_launcher.py" --port 0 >"$workdir/port" 2>"$log" &
emulator=$!

port=""
for _ in $(seq 1 300); do  # up to 30 s for the LISTENING line (moto's imports take a few seconds)
    port="$(awk '/^LISTENING [0-9]+$/ {print $2; exit}' "$workdir/port")"
    [ -n "$port" ] && break
    if ! kill -0 "$emulator" 2>/dev/null; then
        echo "error: the emulator (tests/harness/moto_launcher.py) exited during start-up; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "error: the emulator printed no 'LISTENING <port>' line within 30 s; its log:" >&2
    cat "$log" >&2
    exit 1
fi
# Readiness: the server answers an HTTP request (the socket is already listening).
if ! curl -sf -o /dev/null --max-time 10 --retry 20 --retry-connrefused --retry-delay 0 \
        "http://127.0.0.1:$port/moto-api/"; then
    echo "error: the emulator on port $port does not answer HTTP; its log:" >&2
    cat "$log" >&2
    exit 1
fi

export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_EC2_METADATA_DISABLED=true
export MESHWARDEN_PYTHON
export MESHWARDEN_FAULT_PROXY="$MESHWARDEN_ROOT/tests/harness/fault_proxy.py"
export MESHWARDEN_EMULATOR_LOG="$log"
echo "==> emulator on $AWS_ENDPOINT_URL (log: $log)" >&2

status=0
"$@" || status=$?
exit "$status"
