import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { serviceRules } from '../lib/handled-events';
import { MEMBER_PARAMETERS, MEMBER_STACK_ID } from '../lib/member-stack';
import {
  MEMBER_ALARM_PREFIX,
  MEMBER_BUS_NAME,
  MEMBER_FORWARD_ROLE_PREFIX,
  MEMBER_ROLE_NAME,
  RESPONDER_ROLE_NAME,
} from '../lib/responder-stack';
import {
  APPMESH_READ_ACTIONS as READ_ACTIONS,
  APPMESH_UPDATE_ACTIONS as UPDATE_ACTIONS,
  ECS_UPDATE_ACTIONS,
  LATTICE_LIST_ACTIONS,
  LATTICE_LOG_DELIVERY_ACTIONS,
  LATTICE_READ_ACTIONS,
  LATTICE_UPDATE_ACTIONS,
} from '../lib/services';
import { synthWith } from './helpers';

type Resource = { Type: string; Condition?: string; Properties: Record<string, any> };

/** The member template, from an app whose settings have a forwarder region (to compare the rule with). */
const built = synthWith({ regions: ['us-east-1', 'eu-west-1'], autoRevert: 'on' });
const member = Template.fromStack(built.member);
const json = member.toJSON();
const resources = Object.entries(json.Resources) as [string, Resource][];
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
/** The member's rule of its alarms' state changes (the hub's MemberAlarms rule matches the same). */
const alarmPattern = ofType('AWS::Events::Rule').map(([, r]) => r.Properties.EventPattern).find((p) => p.source[0] === 'aws.cloudwatch');

describe('the member template (StackSets)', () => {
  test('is the stack MeshwardenMember, environment-agnostic, with no asset and no bootstrap dependency', () => {
    expect(built.member.stackName).toBe(MEMBER_STACK_ID);
    expect(built.member.environment).toBe('aws://unknown-account/unknown-region');
    const parameters = Object.keys(json.Parameters ?? {});
    expect(parameters).not.toContain('BootstrapVersion');
    expect(parameters.filter((p) => /AssetParameters|ArtifactHash|S3Bucket|S3VersionKey/.test(p))).toEqual([]);
    expect(Object.keys(json.Rules ?? {})).not.toContain('CheckBootstrapVersion');
    expect(JSON.stringify(json)).not.toMatch(/cdk-hnb659fds|BootstrapVersion|AssetParameters|aws:asset/);
    // No asset in the cloud assembly either: the template is all there is to roll out.
    const assembly = built.app.synth();
    const artifact = assembly.getStackArtifact(MEMBER_STACK_ID);
    expect(artifact.assets).toEqual([]);
    // Its asset manifest, if any, publishes nothing but the template itself (no code, no image).
    const manifest = path.join(assembly.directory, `${MEMBER_STACK_ID}.assets.json`);
    if (fs.existsSync(manifest)) {
      const { files = {}, dockerImages = {} } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      expect(Object.values(files).map((f: any) => f.source.path)).toEqual(expect.arrayContaining([]));
      expect(Object.values(files).every((f: any) => f.source.path === `${MEMBER_STACK_ID}.template.json`)).toBe(true);
      expect(dockerImages).toEqual({});
    }
  });

  test('takes exactly HubAccountId, HubRegion, AutoRevert, OrganizationId, ExternalId and EcsServiceConnectTlsRoleArns, and needs OrganizationId or ExternalId', () => {
    expect(Object.keys(json.Parameters).sort()).toEqual([...MEMBER_PARAMETERS].sort());
    expect(json.Parameters.AutoRevert).toMatchObject({ Type: 'String', AllowedValues: ['off', 'dry-run', 'on'], Default: 'off' });
    expect(json.Parameters.HubAccountId).toMatchObject({ Type: 'String', AllowedPattern: '^[0-9]{12}$' });
    expect(json.Parameters.HubAccountId.Default).toBeUndefined();
    expect(json.Parameters.HubRegion.Default).toBeUndefined();
    expect(json.Parameters.OrganizationId.Default).toBe('');
    expect(json.Parameters.ExternalId).toMatchObject({ Default: '', NoEcho: true });
    expect(json.Parameters.EcsServiceConnectTlsRoleArns).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
    expect(json.Rules.OrganizationIdOrExternalId.Assertions[0].Assert).toEqual({
      'Fn::Or': [
        { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'OrganizationId' }, ''] }] },
        { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ExternalId' }, ''] }] },
      ],
    });
  });

  test('holds a rule per service rule, their role and dead-letter queue and queue policy, and (hub region only) the member role and its revert policy', () => {
    expect(serviceRules().map((r) => r.id)).toEqual(['AppMeshChanges', 'VpcLatticeChanges', 'VpcLatticeServiceEvents', 'EcsChanges']);
    expect(resources.map(([, r]) => r.Type).sort()).toEqual([
      ...serviceRules().map(() => 'AWS::CloudWatch::Alarm'),
      'AWS::CloudWatch::Alarm',
      ...serviceRules().map(() => 'AWS::Events::Rule'),
      'AWS::Events::Rule',
      'AWS::IAM::Policy',
      'AWS::IAM::Policy',
      'AWS::IAM::Policy',
      'AWS::IAM::Role',
      'AWS::IAM::Role',
      'AWS::SQS::Queue',
      'AWS::SQS::QueuePolicy',
    ]);
  });

  test("forwards the forwarder stacks' event patterns and its alarms' state changes to the hub's member bus, with one named role and dead-letter queue", () => {
    const forwarder = Template.fromStack(built.forwarders[0]);
    const patterns = (t: Template) => Object.values(t.findResources('AWS::Events::Rule')).map((r) => JSON.stringify(r.Properties.EventPattern)).sort();
    expect(patterns(member)).toEqual([...patterns(forwarder), JSON.stringify(alarmPattern)].sort());
    expect(patterns(member)).toHaveLength(serviceRules().length + 1);
    const [[queueId]] = ofType('AWS::SQS::Queue');
    const hubBus = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'HubRegion' }, ':', { Ref: 'HubAccountId' }, `:event-bus/${MEMBER_BUS_NAME}`]],
    };
    const rules = ofType('AWS::Events::Rule');
    const roleId = rules[0][1].Properties.Targets[0].RoleArn['Fn::GetAtt'][0];
    for (const [, rule] of rules) {
      expect(rule.Properties.EventBusName).toBeUndefined();
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: hubBus,
          RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
      ]);
    }
    // The events role: named for the member bus's policy, EventBridge for this account only, PutEvents on the hub bus only.
    const role = json.Resources[roleId] as Resource;
    expect(role.Condition).toBeUndefined();
    expect(role.Properties.RoleName).toEqual({ 'Fn::Join': ['', [MEMBER_FORWARD_ROLE_PREFIX, { Ref: 'AWS::Region' }]] });
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    const policies = ofType('AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
    expect(policies.map(([, p]) => p.Properties.PolicyDocument.Statement)).toEqual([
      [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: hubBus }],
    ]);
  });

  const [memberRoleId, memberRole] = ofType('AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === MEMBER_ROLE_NAME)!;

  test("the member role: fixed name, created in the hub region only, trusting the hub's responder role under the org or external-id condition", () => {
    expect(memberRole.Condition).toBe('InHubRegion');
    expect(json.Conditions.InHubRegion).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'HubRegion' }] });
    const [statement] = memberRole.Properties.AssumeRolePolicyDocument.Statement;
    expect(memberRole.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1);
    expect(statement.Action).toBe('sts:AssumeRole');
    expect(statement.Principal).toEqual({
      AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'HubAccountId' }, ':root']] },
    });
    const responder = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'HubAccountId' }, `:role/${RESPONDER_ROLE_NAME}`]] };
    const org = { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } };
    const ext = { 'sts:ExternalId': { Ref: 'ExternalId' } };
    expect(statement.Condition).toEqual({
      'Fn::If': [
        'HasOrganizationId',
        {
          'Fn::If': [
            'HasExternalId',
            { StringEquals: { 'aws:PrincipalArn': responder, ...org, ...ext } },
            { StringEquals: { 'aws:PrincipalArn': responder, ...org } },
          ],
        },
        { StringEquals: { 'aws:PrincipalArn': responder, ...ext } },
      ],
    });
  });

  test('the member role reads App Mesh, VPC Lattice and Amazon ECS everywhere in its account, and may update only with AutoRevert = on', () => {
    const arn = (service: string, path: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:*:`, { Ref: 'AWS::AccountId' }, `:${path}`]],
    });
    const meshes = arn('appmesh', 'mesh/*');
    const lattice = (...paths: string[]) => paths.map((p) => arn('vpc-lattice', p));
    const ecsServices = arn('ecs', 'service/*');
    expect(memberRole.Properties.Policies).toEqual([
      {
        PolicyName: 'Read',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'ReadMeshResources', Effect: 'Allow', Action: READ_ACTIONS, Resource: meshes },
            { Sid: 'ListMeshes', Effect: 'Allow', Action: 'appmesh:ListMeshes', Resource: '*' },
            {
              Sid: 'ReadLatticeResources',
              Effect: 'Allow',
              Action: LATTICE_READ_ACTIONS,
              Resource: lattice('servicenetwork/*', 'service/*', 'targetgroup/*', 'servicenetworkvpcassociation/*'),
            },
            { Sid: 'ListLatticeResources', Effect: 'Allow', Action: LATTICE_LIST_ACTIONS, Resource: '*' },
            { Sid: 'ReadEcsServices', Effect: 'Allow', Action: 'ecs:DescribeServices', Resource: ecsServices },
            { Sid: 'ListEcsResources', Effect: 'Allow', Action: ['ecs:ListClusters', 'ecs:ListServices'], Resource: '*' },
          ],
        },
      },
    ]);
    const attached = ofType('AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === memberRoleId));
    expect(attached.map(([, p]) => p.Condition).sort()).toEqual(['InHubRegionAndAutoRevertOn', 'InHubRegionAndAutoRevertOnAndEcsTlsRoles']);
    const revert = attached.filter(([, p]) => p.Condition === 'InHubRegionAndAutoRevertOn');
    expect(json.Conditions.InHubRegionAndAutoRevertOn).toEqual({
      'Fn::And': [{ Condition: 'InHubRegion' }, { 'Fn::Equals': [{ Ref: 'AutoRevert' }, 'on'] }],
    });
    expect(revert[0][1].Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'RevertMeshResources', Effect: 'Allow', Action: UPDATE_ACTIONS, Resource: meshes },
      {
        Sid: 'RevertLatticeAuthType',
        Effect: 'Allow',
        Action: ['vpc-lattice:UpdateServiceNetwork', 'vpc-lattice:UpdateService'],
        Resource: lattice('servicenetwork/*', 'service/*'),
        Condition: { StringEquals: { 'vpc-lattice:AuthType': 'AWS_IAM' } },
      },
      {
        Sid: 'RevertLatticeResources',
        Effect: 'Allow',
        Action: ['vpc-lattice:UpdateTargetGroup', 'vpc-lattice:PutAuthPolicy', 'vpc-lattice:CreateAccessLogSubscription'],
        Resource: lattice('servicenetwork/*', 'service/*', 'targetgroup/*', 'accesslogsubscription/*'),
      },
      { Sid: 'CreateLatticeLogDeliveries', Effect: 'Allow', Action: LATTICE_LOG_DELIVERY_ACTIONS, Resource: '*' },
      {
        Sid: 'RevertEcsServiceConnect',
        Effect: 'Allow',
        Action: 'ecs:UpdateService',
        Resource: ecsServices,
        Condition: { StringEquals: { 'ecs:enable-service-connect': 'true' } },
      },
    ]);
    // No other statement anywhere grants an update (or passes a role: lib/ecs tests the PassRole policy).
    const updates = JSON.stringify(json.Resources).match(/(appmesh|vpc-lattice|ecs):(Update|Put|Create|Delete)\w+|logs:\w+LogDelivery|iam:PassRole/g) ?? [];
    expect(updates.sort()).toEqual([...UPDATE_ACTIONS, ...LATTICE_UPDATE_ACTIONS, ...LATTICE_LOG_DELIVERY_ACTIONS, ...ECS_UPDATE_ACTIONS, 'iam:PassRole'].sort());
  });

  test("alarms on its dead-letter queue and each rule's FailedInvocations, named for the hub's rule, which hears of them", () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const [[queueId]] = ofType('AWS::SQS::Queue');
    expect(alarms).toContainEqual(
      expect.objectContaining({
        AlarmName: `${MEMBER_ALARM_PREFIX}dead-letters`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    for (const [ruleId, rule] of ofType('AWS::Events::Rule')) {
      if (rule.Properties.EventPattern.source[0] === 'aws.cloudwatch') continue;
      expect(alarms).toContainEqual(
        expect.objectContaining({
          AlarmName: expect.stringMatching(new RegExp(`^${MEMBER_ALARM_PREFIX}Forward.*-failed-invocations$`)),
          Namespace: 'AWS/Events',
          MetricName: 'FailedInvocations',
          Dimensions: [{ Name: 'RuleName', Value: { Ref: ruleId } }],
        }),
      );
    }
    // Every alarm's name matches the forwarded pattern: its state changes reach the hub.
    for (const alarm of alarms) expect(alarm.AlarmName.startsWith(alarmPattern.detail.alarmName[0].prefix)).toBe(true);
    expect(alarms).toHaveLength(serviceRules().length + 1);
    expect(alarmPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: MEMBER_ALARM_PREFIX }], state: { value: ['ALARM'] } },
    });
  });

  test('does not depend on the settings: the same template whatever the hub deployment', () => {
    const other = synthWith({ regions: ['eu-west-1'], autoRevert: 'off', organizationId: 'o-abcdefghij', discoverMemberAccounts: true, securityHub: true });
    expect(Template.fromStack(other.member).toJSON()).toEqual(json);
  });
});
