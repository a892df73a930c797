#!/usr/bin/env bash
# Deploy Meshwarden, or tear it down, as infra/cdk/meshwarden.settings.json describes: every
# stack in every region of the settings, in one command.
#
#   scripts/deploy.sh                 build the arm64 zip, bootstrap every region, deploy every stack
#   scripts/deploy.sh --destroy       destroy every stack (the table, log group and trail buckets are retained);
#                                     refused while a dead-letter queue holds messages
#   scripts/deploy.sh --plan [...]    print what the command would do, and stop: no build, no change; reads
#                                     only (forwarder stacks of removed regions, dead-letter queue depths)
#   --yes                             do not ask for confirmation (also lets cdk deploy widen IAM without asking)
#   --no-build                        deploy the zip already built (target/lambda/bootstrap/bootstrap.zip or lambdaZip)
#   --remove-stale-forwarders         delete forwarder stacks of regions no longer in the settings without asking
#   --discard-dead-letters            --destroy even though dead-letter queues hold messages (they are lost)
#   -c key=value                      override one setting for this command only (as cdk's -c)
#
# Before it touches AWS it prints the account, the regions, the stacks and each step, then asks.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cdk_dir="$root/infra/cdk"
build_cmd=(cargo lambda build --release --arm64 --output-format zip -p meshwarden-lambda)

die() { echo "error: $*" >&2; exit 1; }
usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

mode=deploy
plan_only=0
assume_yes=0
build=1
remove_stale=0
discard_dead_letters=0
context=()
overrides=()
while [ $# -gt 0 ]; do
    case "$1" in
        --plan) plan_only=1 ;;
        --destroy) mode=destroy ;;
        --yes | -y) assume_yes=1 ;;
        --no-build) build=0 ;;
        --remove-stale-forwarders) remove_stale=1 ;;
        --discard-dead-letters) discard_dead_letters=1 ;;
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
  if (plan.memberParameters) {
    lines.push(`  member StackSet parameters: ${Object.entries(plan.memberParameters).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }
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
  lines.push(`  ${n++}. deploy every stack:     npx cdk deploy --import-existing-resources ${plan.stacks.map((s) => s.name).join(' ')}`);
  lines.push('     (a table "meshwarden" and log group /aws/lambda/meshwarden-responder kept by an earlier --destroy are adopted)');
} else {
  lines.push(`  ${n++}. destroy every stack:    npx cdk destroy --force ${plan.stacks.map((s) => s.name).join(' ')}`);
  lines.push('     kept (RETAIN): the table "meshwarden" (deletion protection), the log group /aws/lambda/meshwarden-responder' +
    (plan.createTrail ? ', the trail\'s buckets and key' : '') + '; delete them by hand when you mean it');
}
console.log(lines.join('\n'));
EOF

home_region="$(node -e 'console.log(require(process.argv[1]).homeRegion)' "$out/meshwarden.plan.json")"
settings_regions=" $(node -e 'console.log(require(process.argv[1]).regions.join(" "))' "$out/meshwarden.plan.json") "
# "REGION STACK" of every stack of the plan (the stack's region is the end of its environment).
plan_stacks="$(node -e 'for (const s of require(process.argv[1]).stacks) console.log(s.environment.split("/").pop(), s.name)' "$out/meshwarden.plan.json")"

# Forwarder stacks (MeshwardenForwarder-REGION, in REGION) of the account's regions that the
# settings no longer list: CloudFormation DescribeStacks by that name in each enabled region.
# Prints "REGION STACK STATUS" lines; a region it cannot read is skipped with a warning.
stale_forwarders() {
    local regions region status
    if ! regions="$(aws ec2 describe-regions --region "$home_region" --query 'Regions[].RegionName' --output text 2>&1)"; then
        echo "warning: could not list the account's regions to look for forwarder stacks of removed regions: ${regions##*$'\n'}" >&2
        return 0
    fi
    for region in $regions; do
        [[ "$settings_regions" == *" $region "* ]] && continue
        status="$(aws cloudformation describe-stacks --region "$region" --stack-name "MeshwardenForwarder-$region" \
            --query 'Stacks[0].StackStatus' --output text 2>/dev/null)" || continue
        [ -n "$status" ] && [ "$status" != DELETE_COMPLETE ] && echo "$region MeshwardenForwarder-$region $status"
    done
    return 0
}

# Messages waiting in the dead-letter queues of the given "REGION STACK" lines (every output whose
# key ends in DeadLetterQueueUrl). Prints "COUNT URL" per queue; a stack that does not exist has
# none; a queue it cannot read counts as "?" (not known to be empty).
dead_letters() {
    local region stack urls url counts
    while read -r region stack _; do
        [ -n "$stack" ] || continue
        urls="$(aws cloudformation describe-stacks --region "$region" --stack-name "$stack" \
            --query "Stacks[0].Outputs[?ends_with(OutputKey, 'DeadLetterQueueUrl')].OutputValue" --output text 2>/dev/null)" || continue
        for url in $urls; do
            [ "$url" = None ] && continue
            if counts="$(aws sqs get-queue-attributes --region "$region" --queue-url "$url" \
                --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible \
                --query 'Attributes.[ApproximateNumberOfMessages,ApproximateNumberOfMessagesNotVisible]' --output text 2>/dev/null)"; then
                # shellcheck disable=SC2086 # two numbers
                echo "$(( $(echo $counts | tr -s ' \t' '+') )) $url"
            else
                echo "? $url"
            fi
        done
    done
}

# Refuse (or, with --plan, warn) while any of these stacks' dead-letter queues holds messages.
guard_dead_letters() {
    local what="$1" stacks="$2" waiting
    waiting="$(dead_letters <<<"$stacks" | grep -v '^0 ' || true)"
    [ -n "$waiting" ] || return 0
    echo "Dead-letter queues of $what that hold messages (or could not be read):"
    while read -r count url; do echo "    $count  $url"; done <<<"$waiting"
    echo "  Replay them first: meshwarden dlq replay --queue URL (the sweep's shards: aws sqs start-message-move-task"
    echo "  --source-arn <SweepDeadLetterQueueArn>, before the destroy), or pass --discard-dead-letters to lose them."
    if [ "$plan_only" -eq 0 ] && [ "$discard_dead_letters" -eq 0 ]; then
        die "refusing to delete dead-letter queues that hold messages (--discard-dead-letters to proceed anyway): nothing was done"
    fi
    [ "$plan_only" -eq 1 ] || echo "  --discard-dead-letters: they are deleted with the stacks"
}

stale=""
if [ "$mode" = deploy ]; then
    stale="$(stale_forwarders)"
    if [ -n "$stale" ]; then
        echo "Forwarder stacks of regions no longer in the settings (the responder no longer reads those regions):"
        while read -r region stack status; do echo "    $stack ($region, $status)"; done <<<"$stale"
        echo "  scripts/deploy.sh offers to delete them (--remove-stale-forwarders: without asking)."
    fi
else
    guard_dead_letters "the stacks to destroy" "$plan_stacks"
fi

if [ "$plan_only" -eq 1 ]; then
    exit 0
fi
if [ "$assume_yes" -eq 0 ]; then
    [ -t 0 ] || die "not confirmed: standard input is not a terminal (pass --yes to proceed without asking)"
    read -r -p "Proceed? [y/N] " answer
    [[ "$answer" == [yY] || "$answer" == [yY][eE][sS] ]] || { echo "nothing done"; exit 1; }
fi

# Delete the stale forwarder stacks when told to, or when asked and answered yes; never silently.
remove_stale_forwarders() {
    [ -n "$stale" ] || return 0
    if [ "$remove_stale" -eq 0 ]; then
        if [ "$assume_yes" -eq 1 ] || [ ! -t 0 ]; then
            echo "kept the forwarder stacks of removed regions (pass --remove-stale-forwarders to delete them)"
            return 0
        fi
        read -r -p "Delete the forwarder stacks of removed regions listed above? [y/N] " answer
        [[ "$answer" == [yY] || "$answer" == [yY][eE][sS] ]] || { echo "kept them"; return 0; }
    fi
    guard_dead_letters "the forwarder stacks of removed regions" "$stale"
    while read -r region stack _; do
        echo "==> deleting $stack in $region"
        aws cloudformation delete-stack --region "$region" --stack-name "$stack"
        aws cloudformation wait stack-delete-complete --region "$region" --stack-name "$stack"
    done <<<"$stale"
}

if [ "$mode" = destroy ]; then
    # shellcheck disable=SC2086 # one argument per stack
    npx cdk destroy --app "$out" --force $stacks
else
    remove_stale_forwarders
    # shellcheck disable=SC2086 # one argument per environment
    npx cdk bootstrap --app "$out" $envs
    approval=()
    [ "$assume_yes" -eq 1 ] && approval=(--require-approval never)
    # --import-existing-resources: a deployment after --destroy adopts the retained table and log
    # group (fixed names, DeletionPolicy Retain) instead of failing on their names (CloudFormation
    # imports named resources automatically: README, "Lifecycle").
    # shellcheck disable=SC2086 # one argument per stack
    npx cdk deploy --app "$out" --import-existing-resources "${approval[@]}" $stacks
fi
