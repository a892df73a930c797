#!/usr/bin/env bash
# The whole test suite — what CI runs (.ci/run). Installs what it needs (Python tools into .venv;
# Debian's chromium for the report's browser test; infra/cdk/run-tests.sh installs its npm packages), then: format, build, lint, the harness
# self-test, every Rust test against the local AWS emulator, the infrastructure tests, and the
# benchmarks in a short mode. Stops at the first failing step; prints a summary either way.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/venv.sh

started=$SECONDS
summary=()
current=""
step_started=0

finish_step() {
    if [ -n "$current" ]; then
        summary+=("$(printf '  %-4s %4ss  %s' "$1" "$((SECONDS - step_started))" "$current")")
        current=""
    fi
}
step() {
    finish_step ok
    current="$*"
    step_started=$SECONDS
    echo
    echo "==> $current"
}
report() {
    local status=$?
    if [ "$status" -ne 0 ]; then finish_step FAIL; else finish_step ok; fi
    echo
    echo "==> summary"
    printf '%s\n' "${summary[@]}"
    if [ "$status" -eq 0 ]; then
        echo "==> all steps passed in $((SECONDS - started)) s"
    else
        echo "==> FAILED (exit $status) after $((SECONDS - started)) s" >&2
    fi
}
trap report EXIT

locked=()
[ -f Cargo.lock ] && locked=(--locked)

step "cargo fmt --all --check"
cargo fmt --all --check

step "cargo build --workspace --all-targets ${locked[*]}"
cargo build --workspace --all-targets "${locked[@]}"

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets "${locked[@]}" -- -D warnings

step "emulator harness self-test (tests/harness/selftest.py)"
"$MESHWARDEN_PYTHON" tests/harness/selftest.py

step "chromium for the report's browser test (scripts/lib/chromium.sh)"
source scripts/lib/chromium.sh

step "cargo test --workspace (against the local emulator)"
scripts/with-emulator.sh cargo test --workspace "${locked[@]}" --no-fail-fast

if [ -f infra/cdk/run-tests.sh ]; then
    step "infrastructure tests (infra/cdk/run-tests.sh)"
    bash infra/cdk/run-tests.sh
fi

if [ -f scripts/bench.sh ]; then
    step "benchmarks, short mode (scripts/bench.sh --quick; figures are not pass/fail)"
    bash scripts/bench.sh --quick
fi
