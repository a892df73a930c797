import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { RULES_CRATE_DIR, serviceRules } from '../lib/handled-events';
import { memberParameters } from '../lib/member-stack';
import { MEMBER_ROLE_NAME } from '../lib/responder-stack';
import { ECS_LIST_ACTIONS, ECS_READ_ACTIONS, ECS_UPDATE_ACTIONS } from '../lib/services';
import { evaluate } from './cfn-eval';
import { matches } from './event-pattern';
import { synthWith } from './helpers';

type Resource = { Type: string; Condition?: string; Properties: Record<string, any> };

const handled: { source: string; eventSource: string; apiCalls: string[]; serviceEvents: string[] } = JSON.parse(
  fs.readFileSync(path.join(RULES_CRATE_DIR, 'handled-events.ecs.json'), 'utf8'),
);

/** The rule the contract fixes: the handled calls, UpdateService only when it carries a Service Connect configuration. */
const ECS_PATTERN = {
  source: ['aws.ecs'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['ecs.amazonaws.com'],
    $or: [
      { eventName: ['CreateService', 'DeleteService'] },
      { eventName: ['UpdateService'], requestParameters: { serviceConnectConfiguration: { enabled: [{ exists: true }] } } },
    ],
    errorCode: [{ exists: false }],
  },
};

const ROLES = ['arn:aws:iam::111122223333:role/ecsInfrastructureRole', 'arn:aws:iam::111122223333:role/platform/sc-tls'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const on = synthWith({ regions: REGIONS, autoRevert: 'on', ecsServiceConnectTlsRoleArns: ROLES });

function rulesOf(template: Template): [string, Resource][] {
  return Object.entries(template.findResources('AWS::Events::Rule')) as [string, Resource][];
}
const ecsPatterns = (template: Template) =>
  rulesOf(template)
    .map(([, r]) => r.Properties.EventPattern)
    .filter((p) => p.source[0] === 'aws.ecs');
function statements(template: Template): Record<string, any>[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const variables = (template: Template): Record<string, string> =>
  Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
const ecsArn = (region: string, resourcePath: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecs:${region}:`, { Ref: 'AWS::AccountId' }, `:${resourcePath}`]],
});

// ---------------------------------------------------------------------------------------------
// CloudTrail events as EventBridge delivers them ("AWS API Call via CloudTrail"), requestParameters
// and responseElements as CloudTrail records the ECS API's JSON.

let sequence = 0;
function cloudTrail(eventName: string, requestParameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  sequence += 1;
  const id = `0b4a1e3c-5d6f-4a7b-8c9d-${String(sequence).padStart(12, '0')}`;
  return {
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ecs',
    account: '111122223333',
    time: '2026-12-06T08:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:deployer',
        arn: 'arn:aws:sts::111122223333:assumed-role/deployer/pipeline',
        accountId: '111122223333',
        sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/deployer', accountId: '111122223333', userName: 'deployer' } },
      },
      eventTime: '2026-12-06T08:00:00Z',
      eventSource: 'ecs.amazonaws.com',
      eventName,
      awsRegion: 'eu-west-1',
      sourceIPAddress: '203.0.113.10',
      userAgent: 'aws-cli/2.17.0',
      requestParameters,
      responseElements: extra.errorCode ? null : { service: { serviceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/prod/orders', serviceName: 'orders' } },
      requestID: `req-${id}`,
      eventID: id,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '111122223333',
      eventCategory: 'Management',
      ...extra,
    },
  };
}

const SERVICE_CONNECT = {
  enabled: true,
  namespace: 'arn:aws:servicediscovery:eu-west-1:111122223333:namespace/ns-abcdefghijklmnop',
  services: [
    {
      portName: 'http',
      discoveryName: 'orders',
      clientAliases: [{ port: 8080, dnsName: 'orders.internal' }],
      tls: { issuerCertificateAuthority: { awsPcaAuthorityArn: 'arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/0a1b2c3d' }, roleArn: ROLES[0] },
    },
  ],
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/sc', 'awslogs-region': 'eu-west-1' } },
  accessLogConfiguration: { format: 'JSON', includeQueryParameters: 'DISABLED' },
};

/** An image deploy: a new task definition revision, nothing about Service Connect. */
const imageDeploy = (revision: number, more: Record<string, unknown> = {}) =>
  cloudTrail('UpdateService', { cluster: 'prod', service: 'orders', taskDefinition: `orders:${revision}`, forceNewDeployment: false, ...more });

describe('the Amazon ECS events file', () => {
  test("is the router's: EventBridge source and CloudTrail eventSource, the three service calls, no service events", () => {
    expect(handled).toEqual({
      source: 'aws.ecs',
      eventSource: 'ecs.amazonaws.com',
      apiCalls: ['CreateService', 'DeleteService', 'UpdateService'],
      serviceEvents: [],
    });
  });
});

describe('the matcher the pattern tests use follows the EventBridge documentation', () => {
  // "Comparison operators for use in event patterns": exists matching works on leaf nodes only; the
  // page's example: exists false on detail.c-count matches an event whose c-count is an object.
  const notCcount = { detail: { 'c-count': [{ exists: false }] } };
  test('exists: false matches an absent field and a field that is not a leaf', () => {
    expect(matches(notCcount, { detail: { state: ['initializing', 'running'] } })).toBe(true);
    expect(matches(notCcount, { detail: { state: ['initializing'], 'c-count': { c1: 100 } } })).toBe(true);
    expect(matches(notCcount, { detail: { 'c-count': 5 } })).toBe(false);
  });

  test('exists: true matches a leaf only, whatever its value', () => {
    const ccount = { detail: { 'c-count': [{ exists: true }] } };
    expect(matches(ccount, { detail: { 'c-count': { c1: 100 } } })).toBe(false);
    expect(matches(ccount, { detail: {} })).toBe(false);
    for (const value of [0, false, '', 'x', null]) expect(matches(ccount, { detail: { 'c-count': value } })).toBe(true);
  });

  test('an array in the event matches when one of its elements does ("Arrays in event patterns")', () => {
    const pattern = { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'] };
    expect(matches(pattern, { resources: ['arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x', 'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] })).toBe(true);
    expect(matches(pattern, { resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] })).toBe(false);
  });

  test('$or: any of its patterns, together with the fields beside it', () => {
    const pattern = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] };
    expect(matches(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(matches(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(matches(pattern, { source: 'aws.cloudwatch', metricName: 'NetworkIn', namespace: 'AWS/RDS' })).toBe(false);
    expect(matches(pattern, { source: 'aws.ec2', metricName: 'ReadLatency' })).toBe(false);
  });

  test('values are compared exactly, and an operator it does not implement throws instead of guessing', () => {
    expect(matches({ detail: { eventName: ['UpdateService'] } }, { detail: { eventName: 'updateservice' } })).toBe(false);
    expect(() => matches({ detail: { eventName: [{ prefix: 'Update' }] } }, { detail: { eventName: 'UpdateService' } })).toThrow(/unsupported matcher/);
    expect(() => matches({ $or: [{ a: ['b'] }] }, {})).toThrow(/at least two patterns/);
  });
});

describe('the Amazon ECS rule', () => {
  test('is the contract\'s pattern: the handled calls, UpdateService only with a Service Connect configuration, successful calls only', () => {
    const [rule] = serviceRules().filter((r) => r.id === 'EcsChanges');
    expect(rule.what).toBe('Amazon ECS Service Connect API calls');
    const home = Template.fromStack(on.responder);
    expect(ecsPatterns(home)).toEqual([ECS_PATTERN]);
  });

  test.each([
    ['a forwarder stack', () => Template.fromStack(on.forwarders[0])],
    ['the member template', () => Template.fromStack(on.member)],
  ])('%s forwards the same pattern', (_name, template) => {
    expect(ecsPatterns(template())).toEqual([ECS_PATTERN]);
  });

  const pattern = ecsPatterns(Template.fromStack(on.responder))[0];

  test('1,000 image-only deploys (UpdateService without serviceConnectConfiguration) invoke nothing', () => {
    const deploys = Array.from({ length: 1000 }, (_, i) =>
      imageDeploy(i + 1, [
        {},
        { desiredCount: (i % 7) + 1 },
        { forceNewDeployment: true },
        { deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 } },
        { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b'], securityGroups: ['sg-0a1b'], assignPublicIp: 'DISABLED' } } },
        { cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod', service: 'arn:aws:ecs:eu-west-1:111122223333:service/prod/orders' },
      ][i % 6]),
    );
    expect(deploys.filter((event) => matches(pattern, event))).toHaveLength(0);
  });

  test('an UpdateService that carries a Service Connect configuration matches, turning it off included', () => {
    expect(matches(pattern, imageDeploy(42, { serviceConnectConfiguration: SERVICE_CONNECT }))).toBe(true);
    expect(matches(pattern, cloudTrail('UpdateService', { cluster: 'prod', service: 'orders', serviceConnectConfiguration: SERVICE_CONNECT }))).toBe(true);
    expect(matches(pattern, cloudTrail('UpdateService', { service: 'orders', serviceConnectConfiguration: { enabled: false } }))).toBe(true);
  });

  test('CreateService and DeleteService match, with or without Service Connect', () => {
    const create = { cluster: 'prod', serviceName: 'orders', taskDefinition: 'orders:1', desiredCount: 2 };
    expect(matches(pattern, cloudTrail('CreateService', create))).toBe(true);
    expect(matches(pattern, cloudTrail('CreateService', { ...create, serviceConnectConfiguration: SERVICE_CONNECT }))).toBe(true);
    expect(matches(pattern, cloudTrail('DeleteService', { cluster: 'prod', service: 'orders', force: true }))).toBe(true);
  });

  test('failed calls, other ECS calls and other services do not', () => {
    const failed = cloudTrail('UpdateService', { service: 'orders', serviceConnectConfiguration: SERVICE_CONNECT }, { errorCode: 'AccessDenied', errorMessage: 'not authorized' });
    expect(matches(pattern, failed)).toBe(false);
    for (const name of ['UpdateCluster', 'TagResource', 'RegisterTaskDefinition', 'UpdateServicePrimaryTaskSet']) {
      expect([name, matches(pattern, cloudTrail(name, { cluster: 'prod', serviceConnectConfiguration: SERVICE_CONNECT }))]).toEqual([name, false]);
    }
    const lattice = cloudTrail('UpdateService', { serviceConnectConfiguration: SERVICE_CONNECT });
    expect(matches(pattern, { ...lattice, source: 'aws.vpc-lattice', detail: { ...lattice.detail, eventSource: 'vpc-lattice.amazonaws.com' } })).toBe(false);
  });

  test('a Service Connect configuration that is not an object with enabled (not what the API accepts) does not match', () => {
    expect(matches(pattern, cloudTrail('UpdateService', { service: 'orders', serviceConnectConfiguration: {} }))).toBe(false);
    expect(matches(pattern, cloudTrail('UpdateService', { service: 'orders', serviceConnectConfiguration: null }))).toBe(false);
  });
});

describe('Amazon ECS least privilege', () => {
  test('the read, list and update lists are exactly the documented ones', () => {
    expect(ECS_READ_ACTIONS).toEqual(['ecs:DescribeServices']);
    expect(ECS_LIST_ACTIONS).toEqual(['ecs:ListClusters', 'ecs:ListServices']);
    expect(ECS_UPDATE_ACTIONS).toEqual(['ecs:UpdateService']);
  });

  test.each(['off', 'dry-run'])('auto-revert %s: DescribeServices on this account\'s services, the lists on *, no update, no PassRole', (autoRevert) => {
    const { template } = synthWith({ regions: REGIONS, autoRevert, ecsServiceConnectTlsRoleArns: ROLES });
    const ecs = statements(template).filter((s) => /Ecs/.test(s.Sid));
    expect(ecs).toEqual([
      { Sid: 'ReadEcsServices', Effect: 'Allow', Action: 'ecs:DescribeServices', Resource: ecsArn('*', 'service/*') },
      { Sid: 'ListEcsResources', Effect: 'Allow', Action: ECS_LIST_ACTIONS, Resource: '*' },
    ]);
    expect(JSON.stringify(statements(template))).not.toMatch(/ecs:UpdateService|iam:PassRole/);
    // The engine still learns the roles it may name (it refuses the others; nothing is reverted here anyway).
    expect(variables(template).MESHWARDEN_ECS_TLS_ROLE_ARNS).toBe(ROLES.join(','));
  });

  test('auto-revert on: UpdateService on those services only when it turns Service Connect on, PassRole on exactly the listed roles to ECS only', () => {
    const home = Template.fromStack(on.responder);
    expect(statements(home).filter((s) => ['RevertEcsServiceConnect', 'PassEcsServiceConnectTlsRoles'].includes(s.Sid))).toEqual([
      {
        Sid: 'RevertEcsServiceConnect',
        Effect: 'Allow',
        Action: 'ecs:UpdateService',
        Resource: ecsArn('*', 'service/*'),
        Condition: { StringEquals: { 'ecs:enable-service-connect': 'true' } },
      },
      {
        Sid: 'PassEcsServiceConnectTlsRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: ROLES,
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
      },
    ]);
    // No other statement of the responder updates a service or passes a role.
    const all = statements(home);
    expect(all.filter((s) => [s.Action].flat().some((a: string) => /^ecs:Update|^iam:PassRole$/.test(a))).map((s) => s.Sid)).toEqual([
      'RevertEcsServiceConnect',
      'PassEcsServiceConnectTlsRoles',
    ]);
    expect(variables(home).MESHWARDEN_ECS_TLS_ROLE_ARNS).toBe(ROLES.join(','));
  });

  test('auto-revert on without roles: no PassRole statement at all, and the variable is empty', () => {
    const { template } = synthWith({ regions: REGIONS, autoRevert: 'on' });
    expect(statements(template).map((s) => s.Sid)).toContain('RevertEcsServiceConnect');
    expect(JSON.stringify(statements(template))).not.toContain('iam:PassRole');
    expect(variables(template).MESHWARDEN_ECS_TLS_ROLE_ARNS).toBe('');
  });

  test('ecsServiceConnectTlsRoleArns takes IAM role ARNs only, each once; -c takes a comma list', () => {
    expect(() => synthWith({ ecsServiceConnectTlsRoleArns: ['arn:aws:iam::111122223333:role/*'] })).toThrow(
      /ecsServiceConnectTlsRoleArns has entries that are not IAM role ARNs: arn:aws:iam::111122223333:role\/\*/,
    );
    expect(() => synthWith({ ecsServiceConnectTlsRoleArns: ['arn:aws:iam::111122223333:user/alice'] })).toThrow(/not IAM role ARNs/);
    expect(() => synthWith({ ecsServiceConnectTlsRoleArns: ['ecsInfrastructureRole'] })).toThrow(/not IAM role ARNs/);
    expect(() => synthWith({ ecsServiceConnectTlsRoleArns: [ROLES[0], ROLES[0]] })).toThrow(/ecsServiceConnectTlsRoleArns lists .* more than once/);
    expect(() => synthWith({ ecsServiceConnectTlsRoleArns: ROLES[0] })).toThrow(/ecsServiceConnectTlsRoleArns must be a list of strings/);
    const viaContext = synthWith({}, { ecsServiceConnectTlsRoleArns: ROLES.join(',') });
    expect(viaContext.settings.ecsServiceConnectTlsRoleArns).toEqual(ROLES);
    expect(synthWith({ ecsServiceConnectTlsRoleArns: ['arn:aws-us-gov:iam::111122223333:role/a/b/c-tls'] }).settings.ecsServiceConnectTlsRoleArns).toHaveLength(1);
  });
});

describe('the member role passes the same roles', () => {
  const member = Template.fromStack(on.member).toJSON();
  const [policyId, policy] = (Object.entries(member.Resources) as [string, Resource][]).find(
    ([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.PolicyDocument).includes('iam:PassRole'),
  )!;
  const pseudo = (region: string) => ({ 'AWS::Partition': 'aws', 'AWS::Region': region, 'AWS::AccountId': '444455556666' });
  const created = (parameters: Record<string, string>, region = 'us-east-1') => evaluate({ Condition: policy.Condition }, member, parameters, pseudo(region));

  test('a policy of its own: PassRole to ECS on the EcsServiceConnectTlsRoleArns parameter, attached to the member role', () => {
    expect(policyId).toMatch(/^PassRolePermissions/);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'PassEcsServiceConnectTlsRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { Ref: 'EcsServiceConnectTlsRoleArns' },
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
      },
    ]);
    const [roleId] = Object.entries(member.Resources as Record<string, Resource>).find(([, r]) => r.Properties?.RoleName === MEMBER_ROLE_NAME)!;
    expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
  });

  test('created only in the hub region, with AutoRevert on and a non-empty list; then on exactly the hub\'s roles', () => {
    const parameters = memberParameters(on.settings);
    expect(parameters.EcsServiceConnectTlsRoleArns).toBe(ROLES.join(','));
    expect(created(parameters)).toBe(true);
    expect(evaluate(policy.Properties.PolicyDocument.Statement[0].Resource, member, parameters, pseudo('us-east-1'))).toEqual(ROLES);
    expect(created({ ...parameters, EcsServiceConnectTlsRoleArns: '' })).toBe(false);
    expect(created({ ...parameters, AutoRevert: 'dry-run' })).toBe(false);
    expect(created(parameters, 'eu-west-1')).toBe(false);
    // The default (a StackSet created before this parameter existed): no PassRole.
    const { EcsServiceConnectTlsRoleArns: _omitted, ...older } = parameters;
    expect(created(older)).toBe(false);
  });
});
