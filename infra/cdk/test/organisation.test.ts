import { Template } from 'aws-cdk-lib/assertions';
import { MEMBER_EVENTS_STATEMENT_ID, MEMBER_ROLE_NAME, RESPONDER_ROLE_NAME } from '../lib/responder-stack';
import { grantedActions, synthWith } from './helpers';

type Resource = { Type: string; Properties: Record<string, any> };

function variables(template: Template): Record<string, unknown> {
  return Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
}

function statements(template: Template): Record<string, any>[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

const homeBus = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:', { Ref: 'AWS::AccountId' }, ':event-bus/default']] };
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

  test("organizationId: the default bus accepts PutEvents from the organisation's accounts; the responder may assume any member role", () => {
    const { template, forwarders } = synthWith({ regions: ['us-east-1', 'eu-west-1'], organizationId: 'o-abcdefghij' });
    const policies = Object.values(template.findResources('AWS::Events::EventBusPolicy')) as Resource[];
    expect(policies.map((p) => p.Properties)).toEqual([
      {
        EventBusName: 'default',
        StatementId: MEMBER_EVENTS_STATEMENT_ID,
        Statement: {
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: homeBus,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
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
    // The forwarder stacks stay as they were: only the home bus receives member events.
    expect(Template.fromStack(forwarders[0]).findResources('AWS::Events::EventBusPolicy')).toEqual({});
  });

  test('memberAccounts (no organizationId): the bus accepts those accounts; the responder may assume their member roles only', () => {
    const { template } = synthWith({ memberAccounts: ['444455556666', '777788889999'] });
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: {
        Effect: 'Allow',
        Principal: {
          AWS: ['444455556666', '777788889999'].map((a) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${a}:root`]] })),
        },
        Action: 'events:PutEvents',
        Resource: homeBus,
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
