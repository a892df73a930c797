#!/usr/bin/env bash
# Reproduce the CloudFormation templates offline into cdk.out/, from meshwarden.settings.json
# (extra arguments go to cdk synth: -c key=value overrides a setting, e.g. -c autoRevert=on).
# Without credentials, name the account: -c account=123456789012. Without -c lambdaZip=... the
# placeholder code is used, so this works before the Rust zip is built.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
[ -d node_modules ] || npm ci --no-audit --no-fund
zip_args=()
[[ " $* " == *"lambdaZip="* ]] || zip_args=(-c lambdaZip=test/placeholder)
npx cdk synth --quiet -o cdk.out "${zip_args[@]}" "$@"
