#!/usr/bin/env bash
# Infrastructure tests, offline: jest (assertions + cdk-nag AwsSolutions), a synth of the
# deployment with every option, and cfn-lint (from the repo's .venv) on every template.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund --loglevel=error
npx tsc --noEmit
npx jest --silent
rm -rf cdk.out
# The committed settings with every option switched on; the account is the tests' own, passed explicitly.
./synth.sh -c account=111122223333 -c autoRevert=on -c regions='["us-east-1","eu-west-1","ap-southeast-2"]' \
    -c alarmEmail=ops@example.com -c createTrail=true -c securityHub=true
command -v cfn-lint >/dev/null || { echo "error: cfn-lint not found (scripts/lib/venv.sh installs it)" >&2; exit 1; }
# W3005: CDK adds DependsOn for the function's role although a GetAtt already orders it (harmless).
cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json
echo "infra: jest, cdk-nag, synth and cfn-lint passed ($(ls cdk.out/*.template.json | wc -l) templates)"
