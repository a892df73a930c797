import { Template } from 'aws-cdk-lib/assertions';
import { memberParameters } from '../lib/member-stack';
import { MEMBER_ROLE_NAME, RESPONDER_ROLE_NAME } from '../lib/responder-stack';
import { evaluate } from './cfn-eval';
import { synthWith, TEST_ACCOUNT } from './helpers';

const MEMBER_ACCOUNT = '444455556666';
const ORG = 'o-abcdefghij';

/**
 * The member role's trust as CloudFormation creates it in the hub region of a member account,
 * from the parameters that agree with the hub's settings, and what the hub sends on AssumeRole:
 * its role (aws:PrincipalArn), its organisation (aws:PrincipalOrgID, the hub account's own) and
 * MESHWARDEN_MEMBER_EXTERNAL_ID (sts:ExternalId, the engine passes it when set).
 */
function trustAndHub(settings: Record<string, unknown>) {
  const built = synthWith(settings);
  const member = Template.fromStack(built.member).toJSON();
  const parameters = memberParameters(built.settings);
  const pseudo = { 'AWS::Partition': 'aws', 'AWS::Region': built.settings.homeRegion, 'AWS::AccountId': MEMBER_ACCOUNT };
  const [role] = Object.values(member.Resources as Record<string, any>).filter((r) => r.Properties?.RoleName === MEMBER_ROLE_NAME);
  const created = evaluate({ Condition: role.Condition }, member, parameters, pseudo);
  const accepted = (Object.values(member.Rules) as any[]).every((rule) =>
    rule.Assertions.every((a: any) => evaluate(a.Assert, member, parameters, pseudo) === true),
  );
  const [statement] = evaluate(role.Properties.AssumeRolePolicyDocument.Statement, member, parameters, pseudo) as any[];
  const vars = Object.values(built.template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
  const sent: Record<string, string> = { 'aws:PrincipalArn': `arn:aws:iam::${TEST_ACCOUNT}:role/${RESPONDER_ROLE_NAME}` };
  if (built.settings.organizationId) sent['aws:PrincipalOrgID'] = built.settings.organizationId;
  if (vars.MESHWARDEN_MEMBER_EXTERNAL_ID !== undefined) sent['sts:ExternalId'] = vars.MESHWARDEN_MEMBER_EXTERNAL_ID;
  return { created, accepted, statement, sent, parameters };
}

describe("the member role's trust and the hub's settings agree", () => {
  test.each([
    ['organisation only', { organizationId: ORG, discoverMemberAccounts: true }, ['aws:PrincipalArn', 'aws:PrincipalOrgID']],
    ['external id only', { memberAccounts: [MEMBER_ACCOUNT], memberExternalId: 'meshwarden-hub-1' }, ['aws:PrincipalArn', 'sts:ExternalId']],
    [
      'both',
      { organizationId: ORG, memberAccounts: [MEMBER_ACCOUNT], memberExternalId: 'meshwarden-hub-1' },
      ['aws:PrincipalArn', 'aws:PrincipalOrgID', 'sts:ExternalId'],
    ],
  ])('%s: the trust asks for exactly what the hub sends', (_, settings, keys) => {
    const { created, accepted, statement, sent } = trustAndHub(settings);
    expect(accepted).toBe(true);
    expect(created).toBe(true);
    expect(statement.Principal).toEqual({ AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` });
    expect(statement.Condition).toEqual({ StringEquals: sent });
    expect(Object.keys(sent).sort()).toEqual([...keys].sort());
  });

  test('a hub sending no external id to a member expecting one (or the reverse) would not match: the check above catches it', () => {
    const { statement, sent } = trustAndHub({ organizationId: ORG, discoverMemberAccounts: true });
    expect({ StringEquals: { ...sent, 'sts:ExternalId': 'other' } }).not.toEqual(statement.Condition);
  });

  test('synthesis refuses combinations that cannot work', () => {
    expect(() => synthWith({ memberAccounts: [MEMBER_ACCOUNT] })).toThrow(/memberAccounts without organizationId needs memberExternalId/);
    expect(() => synthWith({ memberExternalId: 'meshwarden-hub-1' })).toThrow(/memberExternalId has no member to assume/);
    expect(() => synthWith({ discoverMemberAccounts: true, memberAccounts: [MEMBER_ACCOUNT], memberExternalId: 'abc' })).toThrow(
      /discoverMemberAccounts needs organizationId/,
    );
  });

  test('organizationId with neither memberAccounts nor discovery stops synthesis: StackSet accounts would never be swept', () => {
    expect(() => synthWith({ organizationId: ORG })).toThrow(
      /organizationId o-abcdefghij without memberAccounts or discoverMemberAccounts: .*never cover them/,
    );
    expect(synthWith({ organizationId: ORG, memberAccounts: [MEMBER_ACCOUNT] }).settings.memberAccounts).toEqual([MEMBER_ACCOUNT]);
  });

  test('the plan file gives the StackSet parameters that agree with the settings', () => {
    const { parameters } = trustAndHub({ organizationId: ORG, discoverMemberAccounts: true, autoRevert: 'on' });
    expect(parameters).toEqual({
      HubAccountId: TEST_ACCOUNT,
      HubRegion: 'us-east-1',
      AutoRevert: 'on',
      OrganizationId: ORG,
      ExternalId: '',
      EcsServiceConnectTlsRoleArns: '',
    });
  });
});
