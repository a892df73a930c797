# shellcheck shell=bash
# Sourced by the scripts: creates .venv (Python tools the tests need) when missing or when
# scripts/requirements-test.txt changed, and puts it on PATH. Idempotent.
MESHWARDEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MESHWARDEN_VENV="$MESHWARDEN_ROOT/.venv"
_requirements="$MESHWARDEN_ROOT/scripts/requirements-test.txt"
_stamp="$MESHWARDEN_VENV/.requirements.sha256"
_want="$(sha256sum "$_requirements" | cut -d' ' -f1)"
if [ ! -x "$MESHWARDEN_VENV/bin/python" ] || [ "$(cat "$_stamp" 2>/dev/null)" != "$_want" ]; then
    echo "==> installing test tools into .venv ($(basename "$_requirements"))" >&2
    python3 -m venv "$MESHWARDEN_VENV"
    "$MESHWARDEN_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$_requirements" >&2
    echo "$_want" > "$_stamp"
fi
export MESHWARDEN_ROOT MESHWARDEN_VENV
export MESHWARDEN_PYTHON="$MESHWARDEN_VENV/bin/python"
export PATH="$MESHWARDEN_VENV/bin:$PATH"
unset _requirements _stamp _want
