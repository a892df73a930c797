import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, PLAN_FILE } from '../lib/app';
import { SCHEMA_FILE, SETTINGS, SETTINGS_FILE, settingsSchema } from '../lib/settings';
import { BASE_SETTINGS, PLACEHOLDER, settingsFile, synth, synthWith, TEST_ACCOUNT, withEnv } from './helpers';

/** Every template of the deployment, by stack name. */
function templates(stacks: Stack[]): Record<string, Template> {
  return Object.fromEntries(stacks.map((s) => [s.stackName, Template.fromStack(s)]));
}

describe('the settings file', () => {
  test('the committed file is valid: it synthesizes with an account given for the test', () => {
    const { settings, forwarders } = buildApp({ context: { account: TEST_ACCOUNT, lambdaZip: PLACEHOLDER } });
    expect(settings.homeRegion).toBe(JSON.parse(fs.readFileSync(SETTINGS_FILE, 'utf8')).regions[0]);
    expect(forwarders.length).toBe(JSON.parse(fs.readFileSync(SETTINGS_FILE, 'utf8')).regions.length - 1);
  });

  test('the committed JSON schema is the one lib/settings.ts generates (npm run settings-schema)', () => {
    expect(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(settingsSchema());
    const committed = JSON.parse(fs.readFileSync(SETTINGS_FILE, 'utf8'));
    expect(committed.$schema).toBe(`./${path.basename(SCHEMA_FILE)}`);
    for (const key of Object.keys(committed)) expect(['$schema', ...Object.keys(SETTINGS)]).toContain(key);
  });

  test('switching auto-revert on is one line of the file', () => {
    const off = synthWith({ regions: ['us-east-1', 'eu-west-1'], autoRevert: 'off' });
    const on = synthWith({ regions: ['us-east-1', 'eu-west-1'], autoRevert: 'on' });
    expect(off.settings.autoRevert).toBe('off');
    expect(on.settings.autoRevert).toBe('on');
    expect(on.forwarders.map((f) => f.stackName)).toEqual(['MeshwardenForwarder-eu-west-1']);
  });

  test('-c key=value overrides one key of the file for one command, and says so', () => {
    const file = settingsFile({ ...BASE_SETTINGS, autoRevert: 'off', historyTtlDays: 30 });
    const { app, settings } = buildApp({ context: { settingsFile: file, autoRevert: 'dry-run' } });
    expect(settings.autoRevert).toBe('dry-run');
    expect(settings.historyTtlDays).toBe(30);
    const plan = JSON.parse(fs.readFileSync(path.join(app.outdir, PLAN_FILE), 'utf8'));
    expect(plan.overrides).toEqual({ autoRevert: 'dry-run' });
    expect(plan.settingsFile).toBe(file);
  });

  test('JSON types are required in the file; -c converts its strings', () => {
    expect(() => synthWith({ createTrail: 'true' })).toThrow(/createTrail must be true or false, got "true" \(in meshwarden.settings.json\)/);
    expect(synth({ createTrail: 'true', historyTtlDays: '7', regions: 'us-east-1,eu-west-1' }).settings).toMatchObject({
      createTrail: true,
      historyTtlDays: 7,
      otherRegions: ['eu-west-1'],
    });
  });

  test('unknown keys stop synthesis, naming the key, where it was and the likely one', () => {
    expect(() => synthWith({ autorevert: 'on' })).toThrow(/autorevert \(in meshwarden.settings.json\): unknown setting; did you mean autoRevert\?/);
    expect(() => synth({ alarmMail: 'ops@example.com' })).toThrow(/alarmMail \(-c\): unknown setting/);
  });

  test('every bad value is reported at once, each naming its key', () => {
    let message = '';
    try {
      synthWith({
        autoRevert: 'yes',
        regions: ['us-east-1', 'Europe'],
        historyTtlDays: 0,
        sweepRate: 'rate(8 days)',
        alarmEmail: 'not-an-address',
        tlsCaArns: ['arn:aws:acm:us-east-1:111122223333:certificate/x'],
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/autoRevert must be off, dry-run or on, got "yes"/);
    expect(message).toMatch(/regions has entries that are not region names: Europe/);
    expect(message).toMatch(/historyTtlDays must be an integer of at least 1, got 0/);
    expect(message).toMatch(/sweepRate must be at most 96 hours, got rate\(8 days\)/);
    expect(message).toMatch(/alarmEmail is not valid/);
    expect(message).toMatch(/tlsCaArns has entries that are not ACM Private CA ARNs/);
  });

  test('a region listed twice, or an alarm topic of another region, stops synthesis', () => {
    expect(() => synthWith({ regions: ['us-east-1', 'us-east-1'] })).toThrow(/regions lists us-east-1 more than once/);
    expect(() => synthWith({ alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:ops' })).toThrow(
      /alarmTopicArn is in eu-west-1 but the home region is us-east-1/,
    );
    expect(() =>
      synthWith({ regions: ['us-east-1', 'eu-west-1'], alarmTopicArns: { 'eu-west-1': 'arn:aws:sns:us-east-1:111122223333:ops' } }),
    ).toThrow(/alarmTopicArns.eu-west-1 is a topic in us-east-1/);
    expect(() => synthWith({ alarmTopicArns: { 'eu-west-1': 'arn:aws:sns:eu-west-1:111122223333:ops' } })).toThrow(
      /alarmTopicArns.eu-west-1: eu-west-1 is not one of the forwarder regions/,
    );
  });

  test('a missing or malformed settings file stops synthesis', () => {
    expect(() => buildApp({ context: { settingsFile: '/nonexistent/meshwarden.settings.json' } })).toThrow(/does not exist/);
    const file = settingsFile({});
    fs.writeFileSync(file, '["us-east-1"]');
    expect(() => buildApp({ context: { settingsFile: file } })).toThrow(/is not a JSON object/);
  });
});

describe('region and account are explicit', () => {
  test.each(['AWS_REGION', 'AWS_DEFAULT_REGION', 'CDK_DEFAULT_REGION'])(
    "the home region is the first of regions, never the shell's %s",
    (variable) => {
      const built = withEnv({ [variable]: 'ap-south-1' }, () =>
        synthWith({ homeRegion: undefined, regions: ['us-east-1', 'eu-west-1'] }),
      );
      expect(built.responder.region).toBe('us-east-1');
      expect(built.forwarders.map((f) => f.region)).toEqual(['eu-west-1']);
      const all = JSON.stringify(Object.values(templates([built.responder, ...built.forwarders])).map((t) => t.toJSON()));
      expect(all).not.toContain('ap-south-1');
    },
  );

  test('homeRegion wins over the order of regions', () => {
    const built = synthWith({ homeRegion: 'eu-west-1', regions: ['us-east-1', 'eu-west-1'] });
    expect(built.responder.region).toBe('eu-west-1');
    expect(built.forwarders.map((f) => f.region)).toEqual(['us-east-1']);
  });

  test('neither regions nor homeRegion stops synthesis', () => {
    expect(() => withEnv({ AWS_REGION: 'us-east-1' }, () => synthWith({ homeRegion: undefined }))).toThrow(
      /regions \(or homeRegion\) must name at least one region/,
    );
  });

  test("the account is the setting, else the credentials' account the CLI passes", () => {
    expect(withEnv({ CDK_DEFAULT_ACCOUNT: '444455556666' }, () => synthWith({})).responder.account).toBe(TEST_ACCOUNT);
    const fromCredentials = withEnv({ CDK_DEFAULT_ACCOUNT: '444455556666' }, () => synthWith({ account: undefined }));
    expect(fromCredentials.responder.account).toBe('444455556666');
    expect(fromCredentials.settings.accountSource).toBe('credentials');
  });

  test('with neither, synthesis stops with a message saying how to give one', () => {
    expect(() => withEnv({ CDK_DEFAULT_ACCOUNT: undefined }, () => synthWith({ account: undefined }))).toThrow(
      /no AWS account: set "account" in the settings file, or run with credentials/,
    );
  });

  test('no account number is written into the app: the only one is the tests\' own', () => {
    const sources = ['lib', 'bin'].flatMap((dir) =>
      fs.readdirSync(path.join(__dirname, '..', dir)).map((f) => fs.readFileSync(path.join(__dirname, '..', dir, f), 'utf8')),
    );
    sources.push(fs.readFileSync(SETTINGS_FILE, 'utf8'), fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8'));
    for (const source of sources) expect(source).not.toMatch(/(^|[^0-9])[0-9]{12}([^0-9]|$)/);
  });
});

describe('a setting cannot be lost by the command that changes another one', () => {
  const base = {
    regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
    alarmEmail: 'ops@example.com',
    tlsCaArns: ['arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x'],
  };

  test('a deploy with only autoRevert changed keeps the topics, every alarm action and every forwarder', () => {
    const before = synthWith({ ...base, autoRevert: 'off' });
    const after = synthWith({ ...base, autoRevert: 'on' });
    const a = templates([before.responder, ...before.forwarders]);
    const b = templates([after.responder, ...after.forwarders]);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(Object.keys(a)).toEqual(['Meshwarden', 'MeshwardenForwarder-eu-west-1', 'MeshwardenForwarder-ap-southeast-2']);

    const changed: string[] = [];
    for (const [stack, template] of Object.entries(a)) {
      const resourcesA = template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
      const resourcesB = b[stack].toJSON().Resources as typeof resourcesA;
      expect([stack, Object.keys(resourcesB).sort()]).toEqual([stack, Object.keys(resourcesA).sort()]);
      // Topics, subscriptions and their keys are identical; every alarm notifies exactly as before.
      for (const type of ['AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::KMS::Key']) {
        expect(b[stack].findResources(type)).toEqual(template.findResources(type));
      }
      expect(Object.keys(template.findResources('AWS::SNS::Topic'))).toHaveLength(1);
      const alarms = { ...template.findResources('AWS::CloudWatch::Alarm'), ...template.findResources('AWS::CloudWatch::CompositeAlarm') };
      const alarmsAfter = { ...b[stack].findResources('AWS::CloudWatch::Alarm'), ...b[stack].findResources('AWS::CloudWatch::CompositeAlarm') };
      expect(Object.keys(alarmsAfter)).toEqual(Object.keys(alarms));
      for (const [id, alarm] of Object.entries(alarms)) {
        expect([stack, id, alarmsAfter[id].Properties.AlarmActions]).toEqual([stack, id, alarm.Properties.AlarmActions]);
      }
      for (const id of Object.keys(resourcesA)) {
        if (JSON.stringify(resourcesA[id]) !== JSON.stringify(resourcesB[id])) changed.push(`${stack}/${resourcesA[id].Type}`);
      }
    }
    // What auto-revert is: the function's AUTO_REVERT and the role's Update* statement. Nothing else.
    expect(changed.sort()).toEqual(['Meshwarden/AWS::IAM::Policy', 'Meshwarden/AWS::Lambda::Function']);
    const env = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
    expect({ ...env(b.Meshwarden), AUTO_REVERT: 'off' }).toEqual(env(a.Meshwarden));
  });

  test('every stack comes from the file: no -c is needed to deploy or destroy the forwarders', () => {
    const file = settingsFile({ ...BASE_SETTINGS, regions: ['us-east-1', 'eu-west-1'] });
    const { forwarders, settings } = buildApp({ context: { settingsFile: file } });
    expect(forwarders.map((f) => f.stackName)).toEqual(['MeshwardenForwarder-eu-west-1']);
    // The sweep and the IAM permissions cover the same regions as the forwarders.
    const variables = Object.values(Template.fromStack(buildApp({ context: { settingsFile: file } }).responder).findResources('AWS::Lambda::Function'))[0]
      .Properties.Environment.Variables;
    expect(variables.MESHWARDEN_REGIONS).toBe([settings.homeRegion, ...settings.otherRegions].join(','));
  });
});
