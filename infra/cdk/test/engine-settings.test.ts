import { Template } from 'aws-cdk-lib/assertions';
import { LOG_RETENTION_DAYS } from '../lib/settings';
import { synthWith } from './helpers';

function variables(template: Template): Record<string, string> {
  return Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
}

const ORG = { organizationId: 'o-abcdefghij', discoverMemberAccounts: true };

describe('every engine setting a deployed user needs reaches the function', () => {
  test.each([
    [{ requiredTagKeys: ['team', 'cost-centre'] }, 'MESHWARDEN_REQUIRED_TAG_KEYS', 'team,cost-centre'],
    [{ requiredTagKeys: [] }, 'MESHWARDEN_REQUIRED_TAG_KEYS', ''],
    [{ maxRevertsPerHour: 7 }, 'MESHWARDEN_MAX_REVERTS_PER_HOUR', '7'],
    [{ maxRevertsPerHour: 0 }, 'MESHWARDEN_MAX_REVERTS_PER_HOUR', '0'],
    [{ meshIpPreference: 'IPv6_ONLY' }, 'MESHWARDEN_MESH_IP_PREFERENCE', 'IPv6_ONLY'],
    [{ nodeIpPreference: 'IPv4_PREFERRED' }, 'MESHWARDEN_NODE_IP_PREFERENCE', 'IPv4_PREFERRED'],
    [{ ...ORG, memberExternalId: 'meshwarden-hub-1' }, 'MESHWARDEN_MEMBER_EXTERNAL_ID', 'meshwarden-hub-1'],
    [ORG, 'MESHWARDEN_DISCOVER_ACCOUNTS', 'organizations'],
    [{ exemptionTagKey: 'meshwarden:exempt' }, 'MESHWARDEN_EXEMPTION_TAG_KEY', 'meshwarden:exempt'],
  ])('%j sets %s=%j', (settings, name, value) => {
    expect(variables(synthWith(settings).template)[name]).toBe(value);
  });

  test('absent, each leaves its variable unset (the engine default: rule off, no external id, no discovery, no tag exemptions), but the cap', () => {
    const vars = variables(synthWith({}).template);
    for (const name of [
      'MESHWARDEN_REQUIRED_TAG_KEYS',
      'MESHWARDEN_MESH_IP_PREFERENCE',
      'MESHWARDEN_NODE_IP_PREFERENCE',
      'MESHWARDEN_MEMBER_EXTERNAL_ID',
      'MESHWARDEN_DISCOVER_ACCOUNTS',
      'MESHWARDEN_EXEMPTION_TAG_KEY',
    ]) {
      expect([name, vars[name]]).toEqual([name, undefined]);
    }
    expect(vars.MESHWARDEN_MAX_REVERTS_PER_HOUR).toBe('3');
  });

  test("logRetentionDays sets the function's log group's retention (default 90)", () => {
    synthWith({}).template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    synthWith({ logRetentionDays: 400 }).template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 400 });
    expect(LOG_RETENTION_DAYS).toContain(3653);
  });

  test('discoverMemberAccounts grants organizations:ListAccounts on *, and only then', () => {
    const statements = (t: Template) => Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements(synthWith(ORG).template)).toContainEqual({ Sid: 'DiscoverMemberAccounts', Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: '*' });
    const listed = synthWith({ organizationId: 'o-abcdefghij', memberAccounts: ['444455556666'] }).template;
    expect(JSON.stringify(statements(listed))).not.toContain('organizations:');
  });

  test('values the engine would refuse, or that match nothing, stop synthesis naming the key', () => {
    expect(() => synthWith({ meshIpPreference: 'IPV6_ONLY' })).toThrow(/meshIpPreference must be IPv4_ONLY, IPv4_PREFERRED, IPv6_ONLY or IPv6_PREFERRED, got "IPV6_ONLY"/);
    expect(() => synthWith({ nodeIpPreference: 'dual' })).toThrow(/nodeIpPreference must be/);
    expect(() => synthWith({ maxRevertsPerHour: -1 })).toThrow(/maxRevertsPerHour must be an integer from 0 to 4294967295, got -1/);
    expect(() => synthWith({ maxRevertsPerHour: 4294967296 })).toThrow(/maxRevertsPerHour must be an integer from 0 to 4294967295/);
    expect(() => synthWith({ requiredTagKeys: ['team', 'a,b'] })).toThrow(/requiredTagKeys has entries that are not tag keys.*"a,b"/);
    expect(() => synthWith({ requiredTagKeys: ['aws:cloudformation:stack-name'] })).toThrow(/requiredTagKeys has entries that are not tag keys/);
    expect(() => synthWith({ requiredTagKeys: ['team', 'team'] })).toThrow(/requiredTagKeys lists team more than once/);
    expect(() => synthWith({ logRetentionDays: 100 })).toThrow(/logRetentionDays must be one of 1, 3, 5, .*3653, got 100/);
    expect(() => synthWith({ ...ORG, memberExternalId: 'x' })).toThrow(/memberExternalId is not valid/);
    expect(() => synthWith({ exemptionTagKey: '' })).toThrow(/exemptionTagKey is not valid/);
  });
});
