import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { serviceRules } from '../lib/handled-events';
import { LATTICE_LIST_ACTIONS, LATTICE_LOG_DELIVERY_ACTIONS, LATTICE_READ_ACTIONS, LATTICE_UPDATE_ACTIONS, SERVICES } from '../lib/services';
import { grantedActions, synthWith } from './helpers';

type Resource = { Type: string; Condition?: string; Properties: Record<string, any> };

/** The file the Rust router is tested against (crates/rules), read here, not a copy. */
const FILE = path.join(__dirname, '..', '..', '..', 'crates', 'rules', 'handled-events.vpc-lattice.json');
const handled: { source: string; eventSource: string; apiCalls: string[]; serviceEvents: string[] } = JSON.parse(fs.readFileSync(FILE, 'utf8'));

const API_CALLS = {
  source: ['aws.vpc-lattice'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: { eventSource: ['vpc-lattice.amazonaws.com'], eventName: handled.apiCalls, errorCode: [{ exists: false }] },
};
const SERVICE_EVENTS = {
  source: ['aws.vpc-lattice'],
  'detail-type': ['AWS Service Event via CloudTrail'],
  detail: { eventSource: ['vpc-lattice.amazonaws.com'], eventName: handled.serviceEvents },
};

const REGIONS = ['us-east-1', 'eu-west-1'];
const built = synthWith({ regions: REGIONS, autoRevert: 'on' });
const home = Template.fromStack(built.responder);

function rulesOf(template: Template): [string, Resource][] {
  return Object.entries(template.findResources('AWS::Events::Rule')) as [string, Resource][];
}
/** The rules of a template whose pattern is VPC Lattice's. */
function latticeRules(template: Template): [string, Resource][] {
  return rulesOf(template).filter(([, r]) => JSON.stringify(r.Properties.EventPattern.source) === '["aws.vpc-lattice"]');
}
/** A rule's single target without its Id. */
function target(rule: Resource): Record<string, unknown> {
  expect(rule.Properties.Targets).toHaveLength(1);
  const { Id: _id, ...rest } = rule.Properties.Targets[0];
  return rest;
}
function statements(template: Template): Record<string, any>[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const arn = (region: string, resourcePath: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:vpc-lattice:${region}:`, { Ref: 'AWS::AccountId' }, `:${resourcePath}`]],
});

describe('the VPC Lattice events file', () => {
  test('is the router\'s: EventBridge source and CloudTrail eventSource, sorted API calls and cross-account service events', () => {
    expect([handled.source, handled.eventSource]).toEqual(['aws.vpc-lattice', 'vpc-lattice.amazonaws.com']);
    expect(handled.apiCalls).toEqual(expect.arrayContaining(['UpdateService', 'PutAuthPolicy', 'CreateAccessLogSubscription']));
    for (const names of [handled.apiCalls, handled.serviceEvents]) expect([...names].sort()).toEqual(names);
    expect(handled.serviceEvents.length).toBeGreaterThan(0);
    expect(handled.serviceEvents.filter((n) => !/By(Sharee|Owner)$/.test(n))).toEqual([]);
  });

  test('every service of lib/services.ts has its rules, with unique ids (one entry per service)', () => {
    const ids = serviceRules().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(SERVICES.map((s) => s.id)).toEqual(['AppMesh', 'VpcLattice', 'Ecs']);
    expect(ids).toEqual(['AppMeshChanges', 'VpcLatticeChanges', 'VpcLatticeServiceEvents', 'EcsChanges']);
  });
});

describe('the home stack', () => {
  test('has exactly two VPC Lattice rules: successful API calls of the file, and its service events (no errorCode filter)', () => {
    const patterns = latticeRules(home).map(([, r]) => r.Properties.EventPattern);
    expect(patterns).toHaveLength(2);
    expect(patterns).toEqual(expect.arrayContaining([API_CALLS, SERVICE_EVENTS]));
  });

  test("every rule invokes the function like the App Mesh rule: same dead-letter queue, 4 retries, 2 hours' age", () => {
    const rules = rulesOf(home);
    expect(rules).toHaveLength(serviceRules().length);
    const appMesh = rules.find(([id]) => id.startsWith('AppMeshChanges'))![1];
    expect(target(appMesh)).toEqual({
      Arn: { 'Fn::GetAtt': [expect.stringMatching(/^Responder/), 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^DeadLetters/), 'Arn'] } },
      RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
    });
    for (const [id, rule] of latticeRules(home)) expect([id, target(rule)]).toEqual([id, target(appMesh)]);
  });

  test('alarms on each VPC Lattice rule failing to deliver or losing events', () => {
    for (const [id] of latticeRules(home)) {
      for (const metricName of ['FailedInvocations', 'InvocationsFailedToBeSentToDlq']) {
        home.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Events',
          MetricName: metricName,
          Dimensions: [{ Name: 'RuleName', Value: { Ref: id } }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      }
    }
  });
});

describe('forwarding', () => {
  test.each([
    ['a forwarder stack', () => Template.fromStack(built.forwarders[0])],
    ['the member template', () => Template.fromStack(built.member)],
  ])('%s forwards both VPC Lattice patterns with the App Mesh rule\'s target (bus, role, dead-letter queue)', (_name, template) => {
    const t = template();
    const patterns = latticeRules(t).map(([, r]) => r.Properties.EventPattern);
    expect(patterns).toHaveLength(2);
    expect(patterns).toEqual(expect.arrayContaining([API_CALLS, SERVICE_EVENTS]));
    const appMesh = rulesOf(t).find(([id]) => id.startsWith('ForwardAppMeshChanges'))![1];
    expect(target(appMesh)).toEqual({
      Arn: expect.anything(),
      RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ForwardRole/), 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^DeadLetters/), 'Arn'] } },
    });
    for (const [id, rule] of latticeRules(t)) expect([id, target(rule)]).toEqual([id, target(appMesh)]);
  });

  test('the member template still has no asset parameter and no BootstrapVersion, with the VPC Lattice rules in', () => {
    const json = Template.fromStack(built.member).toJSON();
    expect(Object.keys(json.Parameters)).not.toContain('BootstrapVersion');
    expect(Object.keys(json.Rules ?? {})).not.toContain('CheckBootstrapVersion');
    expect(JSON.stringify(json)).not.toMatch(/cdk-hnb659fds|BootstrapVersion|AssetParameters|aws:asset/);
    expect(latticeRules(Template.fromStack(built.member))).toHaveLength(2);
  });
});

describe('VPC Lattice least privilege', () => {
  /** The brief's lists, written out: the code's constants must be exactly these. */
  const READ = [
    'GetServiceNetwork', 'GetService', 'GetTargetGroup', 'GetListener', 'ListListeners', 'GetAuthPolicy', 'ListAccessLogSubscriptions',
    'ListServiceNetworkVpcAssociations', 'GetServiceNetworkVpcAssociation', 'ListServiceNetworks', 'ListServices', 'ListTargetGroups',
    'ListTagsForResource',
  ].map((a) => `vpc-lattice:${a}`);
  const UPDATE = ['UpdateServiceNetwork', 'UpdateService', 'PutAuthPolicy', 'CreateAccessLogSubscription', 'UpdateTargetGroup'].map(
    (a) => `vpc-lattice:${a}`,
  );
  const latticeOrLogDelivery = (actions: string[]) => actions.filter((a) => a.startsWith('vpc-lattice:') || /^logs:\w+LogDelivery$/.test(a));

  test('the read and update lists are exactly the documented ones', () => {
    expect([...LATTICE_READ_ACTIONS, ...LATTICE_LIST_ACTIONS].sort()).toEqual([...READ].sort());
    expect([...LATTICE_UPDATE_ACTIONS].sort()).toEqual([...UPDATE].sort());
    expect(LATTICE_LOG_DELIVERY_ACTIONS).toEqual(['logs:CreateLogDelivery', 'logs:GetLogDelivery']);
  });

  test.each(['off', 'dry-run'])('auto-revert %s: the reads only, on these resource types of this account in any region (lists on *)', (autoRevert) => {
    const { template } = synthWith({ regions: REGIONS, autoRevert });
    expect(latticeOrLogDelivery(grantedActions(template)).sort()).toEqual([...READ].sort());
    const read = statements(template).filter((s) => /Lattice/.test(s.Sid));
    expect(read).toEqual([
      {
        Sid: 'ReadLatticeResources',
        Effect: 'Allow',
        Action: LATTICE_READ_ACTIONS,
        Resource: ['servicenetwork/*', 'service/*', 'targetgroup/*', 'servicenetworkvpcassociation/*'].map((p) => arn('*', p)),
      },
      { Sid: 'ListLatticeResources', Effect: 'Allow', Action: LATTICE_LIST_ACTIONS, Resource: '*' },
    ]);
  });

  test('auto-revert on adds exactly the update actions, on these resource types of this account, and log delivery on *', () => {
    const actions = latticeOrLogDelivery(grantedActions(home));
    expect(actions.filter((a) => !READ.includes(a)).sort()).toEqual([...UPDATE, ...LATTICE_LOG_DELIVERY_ACTIONS].sort());
    const revert = statements(home).filter((s) => ['RevertLatticeAuthType', 'RevertLatticeResources', 'CreateLatticeLogDeliveries'].includes(s.Sid));
    expect(revert).toEqual([
      {
        Sid: 'RevertLatticeAuthType',
        Effect: 'Allow',
        Action: ['vpc-lattice:UpdateServiceNetwork', 'vpc-lattice:UpdateService'],
        Resource: ['servicenetwork/*', 'service/*'].map((p) => arn('*', p)),
        // Only AWS_IAM: the responder can close a service or network, never open it.
        Condition: { StringEquals: { 'vpc-lattice:AuthType': 'AWS_IAM' } },
      },
      {
        Sid: 'RevertLatticeResources',
        Effect: 'Allow',
        Action: ['vpc-lattice:UpdateTargetGroup', 'vpc-lattice:PutAuthPolicy', 'vpc-lattice:CreateAccessLogSubscription'],
        Resource: ['servicenetwork/*', 'service/*', 'targetgroup/*', 'accesslogsubscription/*'].map((p) => arn('*', p)),
      },
      { Sid: 'CreateLatticeLogDeliveries', Effect: 'Allow', Action: LATTICE_LOG_DELIVERY_ACTIONS, Resource: '*' },
    ]);
  });

  test('no statement anywhere allows UpdateService or UpdateServiceNetwork without the AuthType condition (hub and member)', () => {
    const member = Template.fromStack(built.member);
    for (const template of [home, member]) {
      const all = Object.values(template.toJSON().Resources as Record<string, any>).flatMap((r) => [
        ...(r.Properties?.PolicyDocument?.Statement ?? []),
        ...(r.Properties?.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement),
      ]);
      const authWriters = all.filter((s) => [s.Action].flat().some((a: string) => /^vpc-lattice:UpdateService(Network)?$/.test(a)));
      expect(authWriters.length).toBe(1);
      for (const s of authWriters) expect(s.Condition).toEqual({ StringEquals: { 'vpc-lattice:AuthType': 'AWS_IAM' } });
    }
  });

  test("the responder role's inline policies stay under IAM's 10,240 characters with 17 regions and every option", () => {
    // "IAM and AWS STS quotas": role policy size, the aggregate of a role's inline policies, whitespace
    // not counted (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
    // Tokens resolve to their longest plausible values.
    const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
      'eu-central-2', 'eu-north-1', 'eu-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-south-1',
      'sa-east-1'];
    const ecsServiceConnectTlsRoleArns = ['a', 'b', 'c'].map((n) => `arn:aws-us-gov:iam::111122223333:role/platform/service-connect-tls-${n}`);
    const { template } = synthWith({
      regions,
      autoRevert: 'on',
      securityHub: true,
      organizationId: 'o-abcdefghij',
      discoverMemberAccounts: true,
      createTrail: true,
      ecsServiceConnectTlsRoleArns,
    });
    const [roleId] = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'meshwarden-responder' } }));
    const resolve = (v: any): any => {
      if (v && typeof v === 'object' && 'Fn::Join' in v) return v['Fn::Join'][1].map(resolve).join('');
      if (v && typeof v === 'object' && 'Ref' in v) return v.Ref === 'AWS::Partition' ? 'aws-us-gov' : '111122223333';
      if (v && typeof v === 'object' && 'Fn::GetAtt' in v) return `arn:aws-us-gov:dynamodb:ap-southeast-2:111122223333:table/${'x'.repeat(60)}`;
      return v;
    };
    const size = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .map((p) => JSON.stringify(p.Properties.PolicyDocument, (_k, v) => resolve(v)).length)
      .reduce((a, b) => a + b, 0);
    expect(size).toBeGreaterThan(1000);
    expect(size).toBeLessThan(10240);
  });

  test('the member template grants the updates only in its revert policy (hub region, AutoRevert = on)', () => {
    const json = Template.fromStack(built.member).toJSON();
    const policies = (Object.values(json.Resources) as Resource[]).filter((r) => r.Type === 'AWS::IAM::Policy');
    const granting = policies.filter((p) => UPDATE.some((u) => JSON.stringify(p.Properties.PolicyDocument).includes(`"${u}"`)));
    expect(granting.map((p) => p.Condition)).toEqual(['InHubRegionAndAutoRevertOn']);
  });
});
