#!/usr/bin/env bash
# The demo: on a local AWS emulator, the seeds' drift (a mesh allowing all egress, a gateway
# without backend TLS), a VPC Lattice service network opened to everyone and an ECS service whose
# Service Connect loses TLS are caught by the real Lambda binary through cargo-lambda's local
# runtime, recorded, then — with auto-revert switched on — reverted (an HTTP listener, which VPC
# Lattice cannot change in place, stays flagged). Each event first goes through the deployed
# EventBridge rules' patterns (infra/cdk/event-patterns.json) on the emulator's EventBridge: what
# they would not deliver, such as an image-only ECS deploy, never reaches the function. Nothing
# touches a real AWS account.
# Everything it starts is stopped when it ends.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/venv.sh
if [ -z "${MESHWARDEN_DEMO_SKIP_BUILD:-}" ]; then
    echo "==> building the Lambda bootstrap and the meshwarden CLI (first time: a few minutes)"
    cargo build --locked -p meshwarden-lambda -p meshwarden-cli
fi
exec scripts/with-emulator.sh scripts/lib/demo-flow.sh
