import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BASE_SETTINGS, settingsFile, TEST_ACCOUNT } from './helpers';

const DEPLOY = path.join(__dirname, '..', '..', '..', 'scripts', 'deploy.sh');

/**
 * Run scripts/deploy.sh with no AWS credentials anywhere (no variables, no config files, no
 * instance metadata), AWS_REGION set to a region the settings do not list, and `cargo`, `rustup`
 * and `aws` replaced by stubs that record being called.
 */
function deploy(args: string[], input = '', aws = 'exit 1') {
  const stubs = fs.mkdtempSync(path.join(os.tmpdir(), 'meshwarden-stubs-'));
  const calls = path.join(stubs, 'calls');
  for (const tool of ['cargo', 'rustup', 'aws']) {
    const body = tool === 'aws' ? aws : 'exit 1';
    fs.writeFileSync(path.join(stubs, tool), `#!/bin/bash\necho "${tool} $*" >> "${calls}"\n${body}\n`, { mode: 0o755 });
  }
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('CDK_')) env[k] = v;
  Object.assign(env, {
    PATH: `${stubs}:${process.env.PATH}`,
    AWS_REGION: 'ap-south-1',
    AWS_CONFIG_FILE: path.join(stubs, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(stubs, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const run = spawnSync('bash', [DEPLOY, ...args], { env, input, encoding: 'utf8', timeout: 110_000 });
  return {
    status: run.status,
    stdout: run.stdout,
    output: run.stdout + run.stderr,
    calls: fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '',
  };
}

const HOME_DLQ = 'https://sqs.us-east-1.amazonaws.com/111122223333/home-dlq';
const SWEEP_DLQ = 'https://sqs.us-east-1.amazonaws.com/111122223333/sweep-dlq';
/**
 * An `aws` stub answering like an account with a forwarder stack left in ap-northeast-1 (no longer
 * in the settings), none in sa-east-1, and 3 messages in the home stack's dead-letter queue.
 */
const AWS_WITH_STALE_FORWARDER = `
case "$*" in
  "ec2 describe-regions"*) echo "us-east-1 eu-west-1 ap-northeast-1 sa-east-1" ;;
  *"describe-stacks --region ap-northeast-1 --stack-name MeshwardenForwarder-ap-northeast-1 --query Stacks[0].StackStatus"*) echo UPDATE_COMPLETE ;;
  *"describe-stacks --region us-east-1 --stack-name Meshwarden --query"*DeadLetterQueueUrl*) printf '%s\\t%s\\n' ${HOME_DLQ} ${SWEEP_DLQ} ;;
  *"describe-stacks --region eu-west-1 --stack-name MeshwardenForwarder-eu-west-1 --query"*DeadLetterQueueUrl*) echo None ;;
  *"get-queue-attributes --region us-east-1 --queue-url ${HOME_DLQ}"*) printf '3\\t0\\n' ;;
  *"get-queue-attributes --region us-east-1 --queue-url ${SWEEP_DLQ}"*) printf '0\\t0\\n' ;;
  *) echo "An error occurred (ValidationError): not stubbed" >&2; exit 254 ;;
esac`;

const settings = settingsFile({
  ...BASE_SETTINGS,
  homeRegion: undefined,
  lambdaZip: undefined,
  regions: ['us-east-1', 'eu-west-1'],
  alarmEmail: 'ops@example.com',
});

describe('scripts/deploy.sh --plan (no AWS credentials needed)', () => {
  test('prints the account, the regions, every stack and each step, and does nothing', () => {
    const run = deploy(['--plan', '-c', `settingsFile=${settings}`]);
    expect([run.status, run.output]).toEqual([0, expect.any(String)]);
    expect(run.stdout).toContain('plan only: nothing is done');
    expect(run.stdout).toMatch(new RegExp(`account: +${TEST_ACCOUNT} \\(from the settings\\)`));
    expect(run.stdout).toMatch(/home region: +us-east-1/);
    expect(run.stdout).toMatch(/regions: +us-east-1 eu-west-1/);
    expect(run.stdout).toMatch(new RegExp(`Meshwarden +aws://${TEST_ACCOUNT}/us-east-1`));
    expect(run.stdout).toMatch(new RegExp(`MeshwardenForwarder-eu-west-1 +aws://${TEST_ACCOUNT}/eu-west-1`));
    expect(run.stdout).toContain('cargo lambda build --release --arm64 --output-format zip -p meshwarden-lambda');
    expect(run.stdout).toContain(`npx cdk bootstrap aws://${TEST_ACCOUNT}/us-east-1 aws://${TEST_ACCOUNT}/eu-west-1`);
    // The plan's stacks by name, never --all: the member template (MeshwardenMember) is for StackSets.
    expect(run.stdout).toContain('npx cdk deploy --import-existing-resources Meshwarden MeshwardenForwarder-eu-west-1\n');
    expect(run.stdout).not.toContain('MeshwardenMember');
    expect(run.stdout).toContain('alarms notify: email ops@example.com');
    expect(run.output).not.toContain('ap-south-1');
    // Without credentials it cannot look for stale forwarders: it says so and changes nothing.
    expect(run.output).toContain("warning: could not list the account's regions");
    expect(run.calls).not.toMatch(/^(cargo|rustup)|delete-stack|\bcdk\b/m);
  });

  test('lists the forwarder stacks of regions no longer in the settings (DescribeStacks by name), and changes nothing', () => {
    const run = deploy(['--plan', '-c', `settingsFile=${settings}`], '', AWS_WITH_STALE_FORWARDER);
    expect([run.status, run.output]).toEqual([0, expect.any(String)]);
    expect(run.stdout).toContain('Forwarder stacks of regions no longer in the settings');
    expect(run.stdout).toMatch(/MeshwardenForwarder-ap-northeast-1 \(ap-northeast-1, UPDATE_COMPLETE\)/);
    // Regions of the settings are not reported; regions without the stack are not either.
    expect(run.stdout).not.toMatch(/MeshwardenForwarder-eu-west-1 \(/);
    expect(run.stdout).not.toContain('MeshwardenForwarder-sa-east-1 (');
    expect(run.calls).toContain('aws cloudformation describe-stacks --region ap-northeast-1 --stack-name MeshwardenForwarder-ap-northeast-1');
    expect(run.calls).not.toContain('--region eu-west-1 --stack-name MeshwardenForwarder-eu-west-1');
    expect(run.calls).not.toMatch(/delete-stack|^cargo/m);
  });

  test('--destroy refuses while a dead-letter queue holds messages, says how to replay, and deletes nothing', () => {
    const run = deploy(['--destroy', '--yes', '-c', `settingsFile=${settings}`], '', AWS_WITH_STALE_FORWARDER);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain(`3  ${HOME_DLQ}`);
    expect(run.stdout).not.toContain(`0  ${SWEEP_DLQ}`);
    expect(run.stdout).toContain('meshwarden dlq replay --queue URL');
    expect(run.output).toContain('refusing to delete dead-letter queues that hold messages (--discard-dead-letters to proceed anyway)');
    expect(run.calls).toContain('sqs get-queue-attributes --region us-east-1 --queue-url ' + HOME_DLQ);
    expect(run.calls).not.toMatch(/delete-stack|\bcdk\b/);
  });

  test('--destroy lists every stack of the settings, forwarders included, and what is kept', () => {
    const run = deploy(['--plan', '--destroy', '-c', `settingsFile=${settings}`, '-c', 'alarmEmail=other@example.com']);
    expect([run.status, run.output]).toEqual([0, expect.any(String)]);
    expect(run.stdout).toContain('npx cdk destroy --force Meshwarden MeshwardenForwarder-eu-west-1\n');
    expect(run.stdout).not.toContain('MeshwardenMember');
    expect(run.stdout).toContain('kept (RETAIN): the table "meshwarden"');
    expect(run.stdout).toContain('overrides (this command only): alarmEmail=other@example.com');
    expect(run.calls).not.toMatch(/delete-stack|^cargo/m);
  });

  test('without an account setting or credentials it stops, saying how to give one', () => {
    const noAccount = settingsFile({ regions: ['us-east-1'] });
    const run = deploy(['--plan', '-c', `settingsFile=${noAccount}`]);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('no AWS account: set "account" in the settings file');
    expect(run.output).toContain('nothing was done');
  });

  test('a real run stops at the confirmation when nobody can answer it', () => {
    const run = deploy(['--destroy', '-c', `settingsFile=${settings}`]);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('Meshwarden teardown');
    expect(run.output).toContain('not confirmed: standard input is not a terminal (pass --yes');
    expect(run.calls).not.toMatch(/delete-stack|\bcdk\b/);
  });

  test('deploys and destroys the plan\'s stacks by name, never --all (which would deploy the member template)', () => {
    const script = fs.readFileSync(DEPLOY, 'utf8');
    expect(script).toMatch(/npx cdk deploy --app "\$out" [^\n]*\$stacks$/m);
    expect(script).toMatch(/npx cdk destroy --app "\$out" [^\n]*\$stacks$/m);
    expect(script).not.toMatch(/npx cdk (deploy|destroy) --app[^\n]*--all/);
  });

  test('a deployment adopts the retained table and log group; stale forwarders are deleted only when told or answered yes', () => {
    const script = fs.readFileSync(DEPLOY, 'utf8');
    expect(script).toMatch(/npx cdk deploy --app "\$out" --import-existing-resources /);
    // The only delete-stack runs inside remove_stale_forwarders, after the flag or a "y" at the prompt, and after the dead-letter guard.
    const body = script.slice(script.indexOf('remove_stale_forwarders() {'), script.indexOf('\n}\n', script.indexOf('remove_stale_forwarders() {')));
    expect(script.match(/delete-stack/g)).toHaveLength(1);
    expect(body).toContain('delete-stack');
    expect(body.indexOf('remove_stale" -eq 0')).toBeLessThan(body.indexOf('delete-stack'));
    expect(body.indexOf('guard_dead_letters')).toBeLessThan(body.indexOf('delete-stack'));
  });

  test('an unknown argument is refused before anything runs', () => {
    const run = deploy(['--destory']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain("unknown argument '--destory'");
  });
});
