import { Match, Template } from 'aws-cdk-lib/assertions';
import { serviceRules } from '../lib/handled-events';
import { MEMBER_BUS_NAME, MEMBER_EVENTS_STATEMENT_ID, MEMBER_FORWARD_ROLE_PREFIX, MEMBER_ROLE_NAME, RESPONDER_ROLE_NAME } from '../lib/responder-stack';
import { grantedActions, synthWith } from './helpers';

type Resource = { Type: string; Properties: Record<string, any> };

function variables(template: Template): Record<string, unknown> {
  return Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
}

function statements(template: Template): Record<string, any>[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

const forwardRole = (account: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/${MEMBER_FORWARD_ROLE_PREFIX}*`]],
});
const memberRole = (account: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/${MEMBER_ROLE_NAME}`]],
});

describe('the hub (organisation mode)', () => {
  test("the responder's role has a fixed name, which member roles trust", () => {
    const { template } = synthWith({});
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: RESPONDER_ROLE_NAME });
  });

  test('off by default: no bus policy, no sts:AssumeRole, no MESHWARDEN_MEMBER_ROLE_NAME', () => {
    const { template } = synthWith({});
    expect(template.findResources('AWS::Events::EventBusPolicy')).toEqual({});
    expect(grantedActions(template)).not.toContain('sts:AssumeRole');
    expect(variables(template).MESHWARDEN_MEMBER_ROLE_NAME).toBeUndefined();
  });

  test("organizationId: the member bus accepts PutEvents only from the organisation's forwarding roles; the responder may assume any member role", () => {
    const { template, forwarders } = synthWith({ regions: ['us-east-1', 'eu-west-1'], organizationId: 'o-abcdefghij', discoverMemberAccounts: true });
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus', { Properties: { Name: MEMBER_BUS_NAME } }));
    const policies = Object.values(template.findResources('AWS::Events::EventBusPolicy')) as Resource[];
    expect(policies.map((p) => p.Properties)).toEqual([
      {
        EventBusName: { Ref: busId },
        StatementId: MEMBER_EVENTS_STATEMENT_ID,
        Statement: {
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
          Condition: {
            StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' },
            ArnLike: { 'aws:PrincipalArn': forwardRole('*') },
          },
        },
      },
    ]);
    expect(statements(template).filter((s) => s.Action === 'sts:AssumeRole')).toEqual([
      {
        Sid: 'AssumeMemberRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${MEMBER_ROLE_NAME}`]] },
      },
    ]);
    expect(variables(template).MESHWARDEN_MEMBER_ROLE_NAME).toBe(MEMBER_ROLE_NAME);
    // The default bus gets no policy; the forwarder stacks stay as they were.
    expect(JSON.stringify(policies)).not.toContain('default');
    expect(Template.fromStack(forwarders[0]).findResources('AWS::Events::EventBusPolicy')).toEqual({});
  });

  test("the hub's rules for members' events live on the member bus, with the home rules' target", () => {
    const { template } = synthWith({ organizationId: 'o-abcdefghij', discoverMemberAccounts: true, alarmEmail: 'ops@example.com' });
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
    const rules = Object.entries(template.findResources('AWS::Events::Rule')) as [string, Resource][];
    const onBus = rules.filter(([, r]) => JSON.stringify(r.Properties.EventBusName) === JSON.stringify({ Ref: busId }));
    const home = rules.filter(([, r]) => r.Properties.EventBusName === undefined);
    expect(onBus.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([...serviceRules().map((r) => `Member${r.id}`), 'MemberAlarms'].sort());
    for (const id of serviceRules().map((r) => r.id)) {
      const [, member] = onBus.find(([k]) => k.startsWith(`Member${id}`))!;
      const [, own] = home.find(([k]) => k.startsWith(id))!;
      expect(member.Properties.EventPattern).toEqual(own.Properties.EventPattern);
      expect(member.Properties.Targets).toEqual(own.Properties.Targets);
    }
    // Members' alarms entering ALARM notify the system topic.
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
    const [, alarms] = onBus.find(([k]) => k.startsWith('MemberAlarms'))!;
    expect(alarms.Properties.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: 'meshwarden-member-' }], state: { value: ['ALARM'] } },
    });
    expect(alarms.Properties.Targets).toEqual([expect.objectContaining({ Arn: { Ref: topicId } })]);
    // Their alarms use the custom bus's dimensions (EventBusName and RuleName).
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: 'FailedInvocations',
      Dimensions: Match.arrayWith([{ Name: 'EventBusName', Value: { Ref: busId } }]),
    });
  });

  test('memberAccounts (no organizationId): the member bus accepts those accounts\' forwarding roles; the responder may assume their member roles only', () => {
    const { template } = synthWith({ memberAccounts: ['444455556666', '777788889999'], memberExternalId: 'meshwarden-hub-1' });
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: {
        Effect: 'Allow',
        Principal: {
          AWS: ['444455556666', '777788889999'].map((a) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${a}:root`]] })),
        },
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
        Condition: { ArnLike: { 'aws:PrincipalArn': [forwardRole('444455556666'), forwardRole('777788889999')] } },
      },
    });
    expect(statements(template).filter((s) => s.Action === 'sts:AssumeRole')).toEqual([
      expect.objectContaining({ Sid: 'AssumeMemberRoles', Resource: [memberRole('444455556666'), memberRole('777788889999')] }),
    ]);
    expect(variables(template).MESHWARDEN_MEMBER_ROLE_NAME).toBe(MEMBER_ROLE_NAME);
  });

  test('both set: the organisation decides', () => {
    const { template } = synthWith({ organizationId: 'o-abcdefghij', memberAccounts: ['444455556666'] });
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } },
    });
  });

  test('bad organisation settings are refused, naming the key', () => {
    expect(() => synthWith({ organizationId: 'my-org' })).toThrow(/organizationId is not valid: "my-org"/);
    expect(() => synthWith({ memberAccounts: ['1234', '444455556666', '444455556666'] })).toThrow(
      /memberAccounts has entries that are not 12-digit account ids: 1234/,
    );
    expect(() => synthWith({ memberAccounts: ['444455556666', '444455556666'] })).toThrow(/memberAccounts lists 444455556666 more than once/);
    expect(() => synthWith({ memberaccounts: ['444455556666'] })).toThrow(/did you mean memberAccounts\?/);
  });
});
