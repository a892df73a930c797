#!/usr/bin/env bash
# Every benchmark, with the figures docs/benchmarks.md reports:
#   criterion (rules and routing), e2e-bench (API calls per event, pipeline overhead, sweep
#   scaling, the fanned-out sweep of 10,000 gateways behind throttling, against the emulator),
#   cold start and footprint of the release bootstrap against a minimal runtime API with a Python
#   baseline, and fuzzing of the router and describe parsing.
# --quick: small sizes and the debug build, so CI runs every benchmark without paying for the
# figures (they are not pass/fail; a crash or an error is).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/venv.sh
quick=""
fuzz_seconds=60
if [ "${1:-}" = "--quick" ]; then quick=1; fuzz_seconds=5; fi
out=target/bench
mkdir -p "$out"

echo "==> criterion: rules and routing"
if [ -n "$quick" ]; then
    cargo bench --locked -p meshwarden-rules --bench rules -- --warm-up-time 0.1 --measurement-time 0.2 --sample-size 10
else
    cargo bench --locked -p meshwarden-rules --bench rules
fi

echo "==> end to end against the emulator: API calls, overhead, sweep scaling, fanned-out sweep"
if [ -n "$quick" ]; then
    cargo build --locked -p meshwarden-bench -p meshwarden-lambda
    profile=debug
    scripts/with-emulator.sh target/debug/e2e-bench --quick --out "$out/e2e-quick.json"
else
    cargo build --locked --release -p meshwarden-bench -p meshwarden-lambda
    profile=release
    scripts/with-emulator.sh target/release/e2e-bench --out "$out/e2e.json"
fi

echo "==> cold start and footprint ($profile bootstrap; Python baseline in the same run)"
scripts/with-emulator.sh "$MESHWARDEN_PYTHON" scripts/bench/coldstart.py --bootstrap "target/$profile/bootstrap" \
    ${quick:+--runs 3 --events 50} | tee "$out/coldstart${quick:+-quick}.json"

echo "==> fuzzing the router and describe parsing"
cargo run --locked --profile fuzz -p meshwarden-fuzz -- --seconds "$fuzz_seconds"
