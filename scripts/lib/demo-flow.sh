#!/usr/bin/env bash
# The demo's story, run by scripts/demo.sh inside scripts/with-emulator.sh (AWS_ENDPOINT_URL set).
# MESHWARDEN_DEMO_STATE_FILE, when set, receives the final state as JSON (the demo's test reads it).
set -euo pipefail
root="$MESHWARDEN_ROOT"
bin="$root/target/debug"
aws() { "$MESHWARDEN_PYTHON" "$root/scripts/lib/demo_aws.py" "$@"; }
meshwarden() { "$bin/meshwarden" --table "$MESHWARDEN_TABLE" "$@"; }
# Headings in bold on a terminal, plain when the output is captured.
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
say() { printf '\n%s%s%s\n' "$bold" "$*" "$plain"; }
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
for built in bootstrap meshwarden; do
    [ -x "$bin/$built" ] || { echo "error: $bin/$built is not built (cargo build --workspace)" >&2; exit 1; }
done

export MESHWARDEN_TABLE=meshwarden-demo
port="$("$MESHWARDEN_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ca="arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0d3e3f2a-demo-ca"

start_runtime() {
    (cd "$root" && exec cargo lambda watch --only-lambda-apis -A 127.0.0.1 -P "$port") >"$work/runtime.log" 2>&1 &
    pids+=($!)
    "$MESHWARDEN_PYTHON" "$root/scripts/lib/wait_port.py" "$port" 60 \
        || { echo "the local Lambda runtime did not start:" >&2; cat "$work/runtime.log" >&2; exit 1; }
}
start_function() {  # $1 = AUTO_REVERT mode
    AWS_LAMBDA_RUNTIME_API="http://127.0.0.1:$port/.rt" AWS_LAMBDA_FUNCTION_NAME=_ AWS_LAMBDA_FUNCTION_VERSION=1 \
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256 AUTO_REVERT="$1" MESHWARDEN_TLS_CA_ARNS="$ca" \
        MESHWARDEN_OWN_ROLE_ARN="arn:aws:iam::123456789012:role/meshwarden-responder" \
        MESHWARDEN_ECS_TLS_ROLE_ARNS="arn:aws:iam::123456789012:role/demo-service-connect-tls" \
        "$bin/bootstrap" >"$work/function-$1.log" 2>&1 &
    function_pid=$!
    pids+=("$function_pid")
}
deliver() {  # $1 = event name, $2 = kind, $3 = version: an App Mesh call's event to the Lambda
    aws event "$1" "$2" "$3" "$work/event.json"
    invoke
}
deliver_lattice() {  # $1 = event name, $2 = id: a VPC Lattice call's event to the Lambda
    aws lattice-event "$1" "$2" "$work/event.json"
    invoke
}
deliver_ecs() {  # $1 = event name, $2 = what the call did (create, drop-tls, image): an ECS call's event
    aws ecs-event "$1" "$2" "$work/event.json"
    invoke
}
invoke() {  # CloudTrail → EventBridge (the deployed rules' patterns) → the Lambda, with $work/event.json
    rm -rf "$work/delivered"
    delivered="$(aws deliver "$work/event.json" "$work/delivered")"
    if [ "$delivered" -eq 0 ]; then
        echo "   EventBridge: no rule matches; the function is not invoked"
        return
    fi
    for event in "$work/delivered"/*.json; do
        # A function that died (or hangs) never answers: fail with its log, never wait forever.
        answer="$(cd "$root" && timeout 120 cargo lambda invoke -A 127.0.0.1 -P "$port" --output-format json --data-file "$event")" \
            || { echo "error: the function did not answer within 120 s; its log:" >&2; cat "$work"/function-*.log >&2; exit 1; }
        printf '%s' "$answer" | "$MESHWARDEN_PYTHON" -c 'import json,sys; h=json.load(sys.stdin); print("   Lambda: %s %s → %s, action %s%s" % (h.get("outcome"), h.get("resource","-").split(":",3)[-1], h.get("status"), h.get("action"), (" (" + h["reason"] + ")") if h.get("reason") else ""))'
    done
}

say "1. The account: a compliance table and the EventBridge rules (the CDK app creates them in AWS), and the"
echo "   local Lambda runtime"
aws table "$MESHWARDEN_TABLE"
aws rules
start_runtime
start_function off
echo "   table $MESHWARDEN_TABLE, the rules' patterns (infra/cdk/event-patterns.json) on an event bus, runtime API on"
echo "   127.0.0.1:$port, bootstrap running with AUTO_REVERT=off"

say "2. Someone creates the seeds' resources: mesh egress ALLOW_ALL, a gateway with \"clientPolicy\": {}"
read -r mesh_version gateway_version < <(aws create-seeds)
deliver CreateMesh mesh "$mesh_version"
deliver CreateVirtualGateway virtualGateway "$gateway_version"
say "   ... and, on VPC Lattice (App Mesh's successor), a service network with AWS_IAM and an auth"
echo "   policy, and a service with a plain-HTTP listener"
read -r network service < <(aws create-lattice)
deliver_lattice CreateServiceNetwork "$network"
deliver_lattice CreateListener "$service"
say "   ... and, on Amazon ECS Service Connect, a service whose Service Connect traffic is TLS from a"
echo "   Private CA"
aws create-ecs
deliver_ecs CreateService create
say "   Someone opens the service network: auth policy deleted, auth type NONE"
aws open-network "$network"
deliver_lattice UpdateServiceNetwork "$network"

say "3. What is non-compliant now?   meshwarden status"
meshwarden status
say "   What happened to the mesh?     meshwarden history mesh/cc-production-app-mesh"
meshwarden history mesh/cc-production-app-mesh

say "4. Auto-revert switched on (AUTO_REVERT=on, a CA for TLS: MESHWARDEN_TLS_CA_ARNS)"
kill "$function_pid"; wait "$function_pid" 2>/dev/null || true
start_function on

say "5. The drift happens again, and is reverted within the event"
deliver UpdateMesh mesh "$(aws drift-mesh)"
deliver UpdateVirtualGateway virtualGateway "$(aws drift-gateway)"
say "   The service network is opened again: its last compliant policy goes back first, then AWS_IAM;"
echo "   the HTTP listener cannot be changed in place (VPC Lattice's API): it stays flagged, alert-only"
aws open-network "$network"
deliver_lattice UpdateServiceNetwork "$network"
deliver_lattice CreateListener "$service"
say "   Someone drops Service Connect TLS: the last compliant configuration goes back (UpdateService with"
echo "   it alone, which starts a new ECS deployment)"
aws drop-ecs-tls
deliver_ecs UpdateService drop-tls
say "   An image-only deploy (UpdateService with a new task definition) keeps the configuration:"
echo "   no rule matches it, the function is never invoked"
aws deploy-image
deliver_ecs UpdateService image

say "6. The result:   meshwarden status / history / scan"
meshwarden status
meshwarden history mesh/cc-production-app-mesh
meshwarden history mesh/cc-production-app-mesh/virtualGateway/cc-prod-mesh-virtual-gateway --limit 5
meshwarden history "serviceNetwork/$network"
meshwarden history service/payments/checkout
meshwarden scan || true   # exit 1: the gateway still lacks listener TLS and health checks (not guessable)

say "7. Final state in App Mesh, VPC Lattice and ECS"
aws final-state ${MESHWARDEN_DEMO_STATE_FILE:+"$MESHWARDEN_DEMO_STATE_FILE"}
say "Done. The emulator, the runtime and the function are stopped."
