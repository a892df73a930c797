#!/usr/bin/env bash
# Infrastructure tests, offline: jest (assertions + cdk-nag AwsSolutions), a synth of the
# deployment with every option, and cfn-lint (from the repo's .venv) on every template.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# The CDK app targets Node 22 (package.json engines, .nvmrc): Node 20 reaches its end of life on
# 2026-04-30 (https://nodejs.org/en/about/previous-releases) and the AWS SDK for JavaScript drops
# Node versions after theirs. Older Node is a warning, not a failure: this repository's machines
# (and so CI) still have Node 20, on which everything here passes today.
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 22 ]; then
    echo "warning: Node $(node --version) is older than the Node 22 the CDK app targets (infra/cdk/package.json engines);" \
        "Node 20 reaches its end of life on 2026-04-30: upgrade" >&2
fi
npm ci --no-audit --no-fund --loglevel=error
npx tsc --noEmit
npx jest --silent
rm -rf cdk.out
# The committed settings with every option switched on; the account is the tests' own, passed explicitly.
./synth.sh -c account=111122223333 -c autoRevert=on -c regions='["us-east-1","eu-west-1","ap-southeast-2"]' \
    -c alarmEmail=ops@example.com -c createTrail=true -c securityHub=true -c organizationId=o-abcdefghij -c discoverMemberAccounts=true \
    -c memberExternalId=meshwarden-hub-1 -c requiredTagKeys=team -c meshIpPreference=IPv6_ONLY -c nodeIpPreference=IPv6_ONLY \
    -c exemptionTagKey=meshwarden-exempt -c driftAlarmEmail=drift@example.com
command -v cfn-lint >/dev/null || { echo "error: cfn-lint not found (scripts/lib/venv.sh installs it)" >&2; exit 1; }
# W3005: CDK adds DependsOn for the function's role although a GetAtt already orders it (harmless).
cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json
echo "infra: jest, cdk-nag, synth and cfn-lint passed ($(ls cdk.out/*.template.json | wc -l) templates)"
