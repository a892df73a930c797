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
function deploy(args: string[], input = '') {
  const stubs = fs.mkdtempSync(path.join(os.tmpdir(), 'meshwarden-stubs-'));
  const calls = path.join(stubs, 'calls');
  for (const tool of ['cargo', 'rustup', 'aws']) {
    fs.writeFileSync(path.join(stubs, tool), `#!/bin/sh\necho "${tool} $*" >> "${calls}"\nexit 1\n`, { mode: 0o755 });
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
    expect(run.stdout).toContain('npx cdk deploy Meshwarden MeshwardenForwarder-eu-west-1\n');
    expect(run.stdout).not.toContain('MeshwardenMember');
    expect(run.stdout).toContain('alarms notify: email ops@example.com');
    expect(run.output).not.toContain('ap-south-1');
    expect(run.calls).toBe('');
  });

  test('--destroy lists every stack of the settings, forwarders included, and what is kept', () => {
    const run = deploy(['--plan', '--destroy', '-c', `settingsFile=${settings}`, '-c', 'alarmEmail=other@example.com']);
    expect([run.status, run.output]).toEqual([0, expect.any(String)]);
    expect(run.stdout).toContain('npx cdk destroy --force Meshwarden MeshwardenForwarder-eu-west-1\n');
    expect(run.stdout).not.toContain('MeshwardenMember');
    expect(run.stdout).toContain('kept (RETAIN): the table "meshwarden"');
    expect(run.stdout).toContain('overrides (this command only): alarmEmail=other@example.com');
    expect(run.calls).toBe('');
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
    expect(run.calls).toBe('');
  });

  test('deploys and destroys the plan\'s stacks by name, never --all (which would deploy the member template)', () => {
    const script = fs.readFileSync(DEPLOY, 'utf8');
    expect(script).toMatch(/npx cdk deploy --app "\$out" [^\n]*\$stacks$/m);
    expect(script).toMatch(/npx cdk destroy --app "\$out" [^\n]*\$stacks$/m);
    expect(script).not.toMatch(/npx cdk (deploy|destroy) --app[^\n]*--all/);
  });

  test('an unknown argument is refused before anything runs', () => {
    const run = deploy(['--destory']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain("unknown argument '--destory'");
  });
});
