# Sourced by scripts/test.sh: makes sure Debian's `chromium` is installed, for the test that
# renders `meshwarden report` in a headless browser (crates/cli/tests/report.rs). CI runs as root;
# elsewhere, without root, it says what to run and the test then fails, loudly, naming it.
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "installing chromium (Debian package) for the report's browser test"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "warning: /usr/bin/chromium is missing and cannot be installed here (not root):" \
            "run 'sudo apt-get install -y chromium'; the report's browser test will fail" >&2
    fi
fi
