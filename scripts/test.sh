#!/usr/bin/env bash
# The whole test suite — what CI runs (.ci/run). Installs what it needs (Python tools into .venv,
# npm packages into infra/cdk), then: format, build, lint, harness self-test, every Rust test
# against the local AWS emulator, the infrastructure tests, and the benchmarks in a short mode.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/venv.sh

step() { echo; echo "==> $*"; }
started=$SECONDS

step "cargo fmt --check"
cargo fmt --all --check
step "cargo build (all targets)"
cargo build --workspace --all-targets --locked
step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "emulator harness self-test"
"$MESHWARDEN_PYTHON" tests/harness/selftest.py
step "cargo test (against the local emulator)"
scripts/with-emulator.sh cargo test --workspace --locked --no-fail-fast
if [ -x infra/cdk/run-tests.sh ]; then
    step "infrastructure tests (jest, cdk-nag, cdk synth, cfn-lint)"
    infra/cdk/run-tests.sh
fi
if [ -x scripts/bench.sh ]; then
    step "benchmarks, short mode (figures are not pass/fail)"
    scripts/bench.sh --quick
fi
echo
echo "==> all tests passed in $((SECONDS - started)) s"
