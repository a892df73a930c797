import { Aws, CfnCondition, CfnParameter, CfnRule, CliCredentialsStackSynthesizer, Duration, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { forwardingDeadLettersAlarm, forwardServiceEvents } from './forwarder-stack';
import {
  MEMBER_ALARM_PREFIX,
  MEMBER_BUS_NAME,
  MEMBER_FORWARD_ROLE_PREFIX,
  MEMBER_ROLE_NAME,
  memberAlarmPattern,
  RESPONDER_ROLE_NAME,
} from './responder-stack';
import { overZero, ruleMetric } from './shared';
import { acknowledgeServiceStatements, passRoleStatements, serviceNames, serviceStatements } from './services';
import { Settings } from './settings';

/** The stack id, and so the template's file name in cdk.out (`MeshwardenMember.template.json`). */
export const MEMBER_STACK_ID = 'MeshwardenMember';

/** The member template's parameters, exactly. */
export const MEMBER_PARAMETERS = ['HubAccountId', 'HubRegion', 'AutoRevert', 'OrganizationId', 'ExternalId', 'EcsServiceConnectTlsRoleArns'] as const;

/**
 * The member template's parameter values that agree with a hub deployment's settings: what the
 * StackSet is created with (README, "Organisation-wide"; scripts/deploy.sh --plan prints them).
 * The role's trust then asks for exactly what the hub sends: its responder role, its organisation
 * (aws:PrincipalOrgID) when `organizationId` is set, and `memberExternalId` (sts:ExternalId) when set.
 */
export function memberParameters(settings: Settings): Record<(typeof MEMBER_PARAMETERS)[number], string> {
  return {
    HubAccountId: settings.account,
    HubRegion: settings.homeRegion,
    AutoRevert: settings.autoRevert,
    OrganizationId: settings.organizationId ?? '',
    ExternalId: settings.memberExternalId ?? '',
    EcsServiceConnectTlsRoleArns: settings.ecsServiceConnectTlsRoleArns.join(','),
  };
}

/**
 * The member template, for every account of an organisation that a hub deployment serves: plain
 * CloudFormation for CloudFormation StackSets, with no asset and no dependency on CDK bootstrapping
 * (CliCredentialsStackSynthesizer adds no `BootstrapVersion` parameter or rule; the stack is
 * environment-agnostic and takes everything from its parameters, nothing from the settings file).
 *
 * In each region of a member account: the forwarder stacks' rules (every service's events the
 * router handles, `forwardServiceEvents`) to the hub's default bus, with their role and dead-letter
 * queue. In the hub's region only (an IAM role is global, and a stack set deploys one instance per
 * region): the role `meshwarden-member` that the hub's responder role assumes, allowed the
 * responder's reads (lib/services.ts) and, with `AutoRevert` = on, its reverts, on this account's
 * resources in any region.
 */
export class MemberStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, synthesizer: new CliCredentialsStackSynthesizer() });

    const hubAccount = new CfnParameter(this, 'HubAccountId', {
      type: 'String',
      allowedPattern: '^[0-9]{12}$',
      constraintDescription: 'a 12-digit AWS account id',
      description: 'The account of the Meshwarden hub (its home stack: responder, table, default event bus).',
    });
    const hubRegion = new CfnParameter(this, 'HubRegion', {
      type: 'String',
      allowedPattern: '^[a-z]{2}(-[a-z]+)+-[0-9]$',
      constraintDescription: 'a region name, such as us-east-1',
      description: "The hub's home region. The member role is created by this template's instance in that region only.",
    });
    const autoRevert = new CfnParameter(this, 'AutoRevert', {
      type: 'String',
      allowedValues: ['off', 'dry-run', 'on'],
      default: 'off',
      description: 'The hub\'s auto-revert mode: the member role may update (revert) resources only with "on".',
    });
    const organizationId = new CfnParameter(this, 'OrganizationId', {
      type: 'String',
      allowedPattern: '^(o-[a-z0-9]{10,32})?$',
      default: '',
      constraintDescription: 'an AWS Organizations id (o-...), or empty',
      description: "The organisation (o-...) the hub's account must belong to (aws:PrincipalOrgID); empty: not checked. This or ExternalId is required.",
    });
    const externalId = new CfnParameter(this, 'ExternalId', {
      type: 'String',
      allowedPattern: '^[A-Za-z0-9+=,.@:/-]{0,1224}$',
      default: '',
      noEcho: true,
      description: 'An external id the hub must pass to sts:AssumeRole (sts:ExternalId); empty: none. This or OrganizationId is required.',
    });

    const ecsTlsRoleArns = new CfnParameter(this, 'EcsServiceConnectTlsRoleArns', {
      type: 'CommaDelimitedList',
      default: '',
      description:
        "The hub's ecsServiceConnectTlsRoleArns, comma-separated: the IAM roles the member role may pass to Amazon ECS (iam:PassRole to ecs.amazonaws.com) for Service Connect TLS, with AutoRevert on; empty: none.",
    });

    const hasOrganization = new CfnCondition(this, 'HasOrganizationId', {
      expression: Fn.conditionNot(Fn.conditionEquals(organizationId.valueAsString, '')),
    });
    const hasExternalId = new CfnCondition(this, 'HasExternalId', {
      expression: Fn.conditionNot(Fn.conditionEquals(externalId.valueAsString, '')),
    });
    const inHubRegion = new CfnCondition(this, 'InHubRegion', {
      expression: Fn.conditionEquals(Aws.REGION, hubRegion.valueAsString),
    });
    const revertAllowed = new CfnCondition(this, 'InHubRegionAndAutoRevertOn', {
      expression: Fn.conditionAnd(inHubRegion, Fn.conditionEquals(autoRevert.valueAsString, 'on')),
    });
    // The role's trust needs at least one of the two conditions: refuse the stack without either.
    new CfnRule(this, 'OrganizationIdOrExternalId', {
      assertions: [
        {
          assert: Fn.conditionOr(
            Fn.conditionNot(Fn.conditionEquals(organizationId.valueAsString, '')),
            Fn.conditionNot(Fn.conditionEquals(externalId.valueAsString, '')),
          ),
          assertDescription: "Set OrganizationId (the hub's organisation, o-...) or ExternalId, or both.",
        },
      ],
    });

    // Every region: every service's events to the hub's member bus, with a role of a fixed name
    // pattern (the only principals the member bus's policy admits).
    const { rules, role: forwardRole, deadLetters, bus } = forwardServiceEvents(this, {
      busArn: `arn:${Aws.PARTITION}:events:${hubRegion.valueAsString}:${hubAccount.valueAsString}:event-bus/${MEMBER_BUS_NAME}`,
      roleName: `${MEMBER_FORWARD_ROLE_PREFIX}${Aws.REGION}`,
      roleDescription: `Meshwarden member: lets this region's rules put ${serviceNames()} events and alarm state changes on the hub's member bus`,
      ruleDescription: (what) => `Forward ${what} to the Meshwarden hub's member bus`,
    });
    // Every region: alarms on what this region's forwarding loses, heard by the hub within minutes:
    // their state changes (on this region's default bus) are forwarded to the hub's member bus,
    // where a rule notifies the hub's alarm topics. The alarms are named `meshwarden-member-...`.
    const period = Duration.minutes(5);
    forwardingDeadLettersAlarm(this, deadLetters, 'the Meshwarden hub', `${MEMBER_ALARM_PREFIX}dead-letters`);
    for (const { id, what, rule } of rules) {
      ruleMetric(rule, 'FailedInvocations', period).createAlarm(this, `${id}FailedInvocationsAlarm`, {
        ...overZero(`This member's rule failed to forward ${what} to the Meshwarden hub permanently (AWS/Events FailedInvocations)`),
        alarmName: `${MEMBER_ALARM_PREFIX}${id}-failed-invocations`,
      });
    }
    new events.Rule(this, 'ForwardAlarms', {
      description: "Forward this member's Meshwarden alarms entering ALARM to the hub's member bus",
      eventPattern: memberAlarmPattern(),
      targets: [new targets.EventBus(bus, { deadLetterQueue: deadLetters, role: forwardRole })],
    });

    // The hub region only: the role the hub's responder assumes in this account, on its resources in any region.
    const anyRegion = ['*'];
    const role = new iam.Role(this, 'MemberRole', {
      roleName: MEMBER_ROLE_NAME,
      description: `Meshwarden member: the hub's responder reads (and, with AutoRevert on, reverts) this account's ${serviceNames()} resources`,
      // The hub account as principal, narrowed to the responder's role by aws:PrincipalArn (below):
      // a role ARN as principal would make CreateRole fail until the hub is deployed, and would
      // silently stop matching if the hub's role were ever replaced (IAM keeps its unique id).
      assumedBy: new iam.AccountPrincipal(hubAccount.valueAsString),
      inlinePolicies: { Read: new iam.PolicyDocument({ statements: serviceStatements('read', anyRegion) }) },
    });
    const cfnRole = role.node.defaultChild as iam.CfnRole;
    cfnRole.cfnOptions.condition = inHubRegion;
    const trust = (extra: Record<string, unknown>) => ({
      StringEquals: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${hubAccount.valueAsString}:role/${RESPONDER_ROLE_NAME}`, ...extra },
    });
    cfnRole.addPropertyOverride(
      'AssumeRolePolicyDocument.Statement.0.Condition',
      Fn.conditionIf(
        hasOrganization.logicalId,
        Fn.conditionIf(
          hasExternalId.logicalId,
          trust({ 'aws:PrincipalOrgID': organizationId.valueAsString, 'sts:ExternalId': externalId.valueAsString }),
          trust({ 'aws:PrincipalOrgID': organizationId.valueAsString }),
        ),
        trust({ 'sts:ExternalId': externalId.valueAsString }),
      ),
    );
    const revert = new iam.Policy(this, 'RevertPermissions', { statements: serviceStatements('revert', anyRegion) });
    revert.attachToRole(role);
    (revert.node.defaultChild as iam.CfnPolicy).cfnOptions.condition = revertAllowed;
    // The roles a revert may pass (Amazon ECS's Service Connect TLS role): a policy of its own, only
    // with auto-revert on and a non-empty list (a PassRole statement with no role would be invalid).
    const passRoles = new iam.Policy(this, 'PassRolePermissions', { statements: passRoleStatements(ecsTlsRoleArns.valueAsList) });
    passRoles.attachToRole(role);
    (passRoles.node.defaultChild as iam.CfnPolicy).cfnOptions.condition = new CfnCondition(this, 'InHubRegionAndAutoRevertOnAndEcsTlsRoles', {
      expression: Fn.conditionAnd(revertAllowed, Fn.conditionNot(Fn.conditionEquals(Fn.join(',', ecsTlsRoleArns.valueAsList), ''))),
    });
    acknowledgeServiceStatements(role, ['read'], anyRegion, 'the hub');
    acknowledgeServiceStatements(revert, ['revert'], anyRegion, 'the hub');
  }
}
