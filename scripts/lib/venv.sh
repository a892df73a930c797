# shellcheck shell=bash
# Sourced by the scripts: creates $REPO/.venv (the Python tools the tests need: moto's server,
# cargo-lambda, cfn-lint) when missing, (re)installs scripts/requirements-test.txt only when that
# file's hash differs from the stamp in .venv, and puts .venv/bin first on PATH (so `cargo lambda`
# and `cfn-lint` are found). Idempotent, and silent when nothing needs doing.
# Exports MESHWARDEN_ROOT, MESHWARDEN_VENV, MESHWARDEN_PYTHON.
MESHWARDEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MESHWARDEN_VENV="$MESHWARDEN_ROOT/.venv"
_mw_requirements="$MESHWARDEN_ROOT/scripts/requirements-test.txt"
_mw_stamp="$MESHWARDEN_VENV/.requirements.sha256"
_mw_want="$(sha256sum "$_mw_requirements" | cut -d' ' -f1)"
if ! "$MESHWARDEN_VENV/bin/python" -c '' 2>/dev/null; then
    command -v python3 >/dev/null || { echo "error: python3 is required to create .venv" >&2; return 1; }
    echo "==> creating .venv" >&2
    # --clear: a .venv whose interpreter is gone (moved, another machine) is rebuilt from scratch.
    python3 -m venv --clear "$MESHWARDEN_VENV" || { echo "error: python3 -m venv failed" >&2; return 1; }
    rm -f "$_mw_stamp"
fi
if [ "$(cat "$_mw_stamp" 2>/dev/null)" != "$_mw_want" ]; then
    echo "==> installing test tools into .venv (scripts/requirements-test.txt)" >&2
    if ! "$MESHWARDEN_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            -r "$_mw_requirements" >&2; then
        echo "error: pip could not install scripts/requirements-test.txt into .venv" >&2
        return 1
    fi
    echo "$_mw_want" > "$_mw_stamp"
fi
export MESHWARDEN_ROOT MESHWARDEN_VENV
export MESHWARDEN_PYTHON="$MESHWARDEN_VENV/bin/python"
case "$PATH" in
    "$MESHWARDEN_VENV/bin:"*) ;;  # already first: sourcing twice changes nothing
    *) export PATH="$MESHWARDEN_VENV/bin:$PATH" ;;
esac
unset _mw_requirements _mw_stamp _mw_want
