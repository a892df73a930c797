#!/usr/bin/env bash
# Deploy Meshwarden, or tear it down, as infra/cdk/meshwarden.settings.json describes: every
# stack in every region of the settings, in one command.
#
#   scripts/deploy.sh                 build the arm64 zip, bootstrap every region, deploy every stack
#   scripts/deploy.sh --destroy       destroy every stack (the table, log group and trail buckets are retained)
#   scripts/deploy.sh --plan [...]    print what the command would do, and stop: no build, no AWS call
#                                     beyond the CDK CLI resolving the credentials' account
#   --yes                             do not ask for confirmation (also lets cdk deploy widen IAM without asking)
#   --no-build                        deploy the zip already built (target/lambda/bootstrap/bootstrap.zip or lambdaZip)
#   -c key=value                      override one setting for this command only (as cdk's -c)
#
# Before it touches AWS it prints the account, the regions, the stacks and each step, then asks.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cdk_dir="$root/infra/cdk"
build_cmd=(cargo lambda build --release --arm64 --output-format zip -p meshwarden-lambda)

die() { echo "error: $*" >&2; exit 1; }
usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

mode=deploy
plan_only=0
assume_yes=0
build=1
context=()
overrides=()
while [ $# -gt 0 ]; do
    case "$1" in
        --plan) plan_only=1 ;;
        --destroy) mode=destroy ;;
        --yes | -y) assume_yes=1 ;;
        --no-build) build=0 ;;
        -c | --context)
            [ $# -ge 2 ] || die "$1 needs key=value"
            [[ "$2" == *=* ]] || die "$1 needs key=value, got '$2'"
            if [[ "$2" == settingsFile=* ]]; then
                # Relative to where the command was run (the synth runs in infra/cdk); printed as the settings file.
                file="${2#settingsFile=}"
                [[ "$file" == /* ]] || file="$PWD/$file"
                context+=(-c "settingsFile=$file")
            else
                context+=(-c "$2")
                overrides+=("$2")
            fi
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done

command -v node >/dev/null || die "node is required (Node 22; see infra/cdk/README.md)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 22 ]; then
    echo "warning: Node $(node --version) is older than the Node 22 the CDK app targets (infra/cdk/package.json engines);" \
        "Node 20 reaches its end of life on 2026-04-30: upgrade" >&2
fi

cd "$cdk_dir"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error

# The code: built now for a deployment; a plan or a destroy synthesizes with the placeholder
# (the function's code does not change what is deployed where, or what is destroyed).
code_args=()
if [ "$mode" = deploy ] && [ "$plan_only" -eq 0 ] && [ "$build" -eq 1 ]; then
    # shellcheck source=lib/venv.sh
    source "$root/scripts/lib/venv.sh"
    if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
        die "the arm64 Rust target is missing: run 'rustup target add aarch64-unknown-linux-gnu' once"
    fi
    echo "==> building the function: ${build_cmd[*]}"
    (cd "$root" && "${build_cmd[@]}")
elif [ "$mode" = destroy ] || [ "$plan_only" -eq 1 ]; then
    [[ " ${overrides[*]-} " == *" lambdaZip="* ]] || code_args=(-c "lambdaZip=$cdk_dir/test/placeholder")
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/meshwarden-deploy.XXXXXX")"
trap 'rm -rf "${out%/assembly}"' EXIT
echo "==> reading the settings (cdk synth)"
if ! npx cdk synth --quiet -o "$out/assembly" "${code_args[@]}" "${context[@]}" >"$out/synth.log" 2>&1; then
    cat "$out/synth.log" >&2
    die "cdk synth failed (above): nothing was done"
fi
out="$out/assembly"

# The plan: what the app resolved (meshwarden.plan.json) and the warnings it raised (manifest).
envs="$(node -e '
    const plan = require(process.argv[1]);
    console.log([...new Set(plan.stacks.map((s) => s.environment))].join(" "));
' "$out/meshwarden.plan.json")"
# The stacks to deploy or destroy, by name: the plan's, never --all (the assembly also holds the
# member template, MeshwardenMember, which is rolled out with StackSets, not deployed here).
stacks="$(node -e 'console.log(require(process.argv[1]).stacks.map((s) => s.name).join(" "))' "$out/meshwarden.plan.json")"
node - "$out" "$mode" "$plan_only" "$build" "${build_cmd[*]}" "${overrides[@]}" <<'EOF'
const fs = require('fs');
const path = require('path');
const [out, mode, planOnly, build, buildCmd, ...overrides] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(path.join(out, 'meshwarden.plan.json'), 'utf8'));
const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
const envs = [...new Set(plan.stacks.map((s) => s.environment))];
const lines = [];
lines.push(`Meshwarden ${mode === 'destroy' ? 'teardown' : 'deployment'}${planOnly === '1' ? ' (plan only: nothing is done)' : ''}`);
lines.push(`  settings file: ${plan.settingsFile}`);
if (overrides.length > 0) lines.push(`  overrides (this command only): ${overrides.join(' ')}`);
lines.push(`  account:       ${plan.account} (${plan.accountSource === 'settings' ? 'from the settings' : 'the credentials\' account'})`);
lines.push(`  home region:   ${plan.homeRegion}`);
lines.push(`  regions:       ${plan.regions.join(' ')}`);
if (mode === 'deploy') {
  lines.push(`  autoRevert:    ${plan.autoRevert}    securityHub: ${plan.securityHub}    createTrail: ${plan.createTrail}`);
  const targets = [plan.alarmEmail && `email ${plan.alarmEmail} (a topic in each region)`, plan.alarmTopicArn, ...Object.values(plan.alarmTopicArns)].filter(Boolean);
  lines.push(`  alarms notify: ${targets.length > 0 ? targets.join(', ') : 'NO ONE (set alarmEmail or alarmTopicArn)'}`);
  if (plan.organizationId) lines.push(`  members:       the accounts of organisation ${plan.organizationId} (member template: StackSets, see README)`);
  else if (plan.memberAccounts.length > 0) lines.push(`  members:       ${plan.memberAccounts.join(' ')} (member template: StackSets, see README)`);
}
lines.push('  stacks:');
for (const s of plan.stacks) lines.push(`    ${s.name.padEnd(40)} ${s.environment}`);
const warnings = [];
for (const artifact of Object.values(manifest.artifacts ?? {})) {
  // Warnings are in the manifest or, with recent CDK versions, in the stack's additional metadata file.
  const extra = artifact.additionalMetadataFile ? JSON.parse(fs.readFileSync(path.join(out, artifact.additionalMetadataFile), 'utf8')) : {};
  for (const entries of [...Object.values(artifact.metadata ?? {}), ...Object.values(extra)]) {
    for (const e of entries) if (e.type === 'aws:cdk:warning') warnings.push(String(e.data).replace(/ \[ack: .*\]$/, ''));
  }
}
for (const w of warnings) lines.push(`  warning: ${w}`);
lines.push('Steps:');
let n = 1;
if (mode === 'deploy') {
  if (build === '1') lines.push(`  ${n++}. build the function:  ${buildCmd}   (→ target/lambda/bootstrap/bootstrap.zip)`);
  else lines.push(`  ${n++}. use the function already built: ${plan.lambdaCode}`);
  lines.push(`  ${n++}. bootstrap every region: npx cdk bootstrap ${envs.join(' ')}`);
  lines.push(`  ${n++}. deploy every stack:     npx cdk deploy ${plan.stacks.map((s) => s.name).join(' ')}`);
} else {
  lines.push(`  ${n++}. destroy every stack:    npx cdk destroy --force ${plan.stacks.map((s) => s.name).join(' ')}`);
  lines.push('     kept (RETAIN): the table "meshwarden" (deletion protection), the log group /aws/lambda/meshwarden-responder' +
    (plan.createTrail ? ', the trail\'s buckets and key' : '') + '; delete them by hand when you mean it');
}
console.log(lines.join('\n'));
EOF

if [ "$plan_only" -eq 1 ]; then
    exit 0
fi
if [ "$assume_yes" -eq 0 ]; then
    [ -t 0 ] || die "not confirmed: standard input is not a terminal (pass --yes to proceed without asking)"
    read -r -p "Proceed? [y/N] " answer
    [[ "$answer" == [yY] || "$answer" == [yY][eE][sS] ]] || { echo "nothing done"; exit 1; }
fi

if [ "$mode" = destroy ]; then
    # shellcheck disable=SC2086 # one argument per stack
    npx cdk destroy --app "$out" --force $stacks
else
    # shellcheck disable=SC2086 # one argument per environment
    npx cdk bootstrap --app "$out" $envs
    approval=()
    [ "$assume_yes" -eq 1 ] && approval=(--require-approval never)
    # shellcheck disable=SC2086 # one argument per stack
    npx cdk deploy --app "$out" "${approval[@]}" $stacks
fi
