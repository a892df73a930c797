import * as fs from 'fs';
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { serviceRules } from './handled-events';
import { acknowledgeServiceStatements, passRoleStatements, serviceNames, serviceStatements } from './services';
import { acknowledge, alarmTargets, AlarmTargets, allowEventBridge, deadLetterQueue, overZero, ruleAlarms, ruleMetric, StackRule } from './shared';
import { Settings } from './settings';
import { SweepQueue } from './sweep-queue';
import { ResponderDashboard } from './dashboard';
import { consistencyWindowSecs, revertLeaseSecs } from './timing';

/** The table name the CLI defaults to (`--table` / `MESHWARDEN_TABLE`). */
export const TABLE_NAME = 'meshwarden';
export const FUNCTION_NAME = 'meshwarden-responder';
/** The responder's role, named so that member accounts can trust it by ARN (`aws:PrincipalArn`). */
export const RESPONDER_ROLE_NAME = 'meshwarden-responder';
/** The role the member template creates in each member account; the hub computes its ARN from the event's account. */
export const MEMBER_ROLE_NAME = 'meshwarden-member';
/** The statement id of the member bus's policy accepting member accounts' events. */
export const MEMBER_EVENTS_STATEMENT_ID = 'MeshwardenMemberAccounts';
/** The hub's event bus for member accounts' forwarded events (organisation mode), in the home region. */
export const MEMBER_BUS_NAME = 'meshwarden-members';
/**
 * The member template's forwarding roles are named this plus their region (IAM names are global,
 * a StackSet instance per region): the member bus admits these roles only (aws:PrincipalArn).
 */
export const MEMBER_FORWARD_ROLE_PREFIX = 'meshwarden-member-forward-';
/** The member template's alarms are named with this prefix: their state changes are forwarded to the member bus. */
export const MEMBER_ALARM_PREFIX = 'meshwarden-member-';
/** The sparse index of non-compliant resources. */
export const NON_COMPLIANT_INDEX = 'nonCompliant';
/** Sparse index of exemption items (every exemption with one Query). */
export const EXEMPTIONS_INDEX = 'exemptions';
/** The sparse index of resources not recorded as deleted, by `scope` (`service:account:region`): the sweep retires those it no longer finds. */
export const LIVE_INDEX = 'live';
/** The namespace of the metrics the responder emits (CloudWatch embedded metric format, no dimensions). */
export const METRIC_NAMESPACE = 'Meshwarden';
/** The optional trail's name (fixed, so its key policy can name it without a circular reference). */
export const TRAIL_NAME = 'meshwarden-management-events';
/** How far back the heartbeat remembers that the function ran (CloudWatch's longest evaluation range, 7 days). */
export const HEARTBEAT_MEMORY_DAYS = 7;
/** Granted only with `securityHub: true`, on each listed region's default product of this account. */
export const SECURITY_HUB_ACTIONS = ['securityhub:BatchImportFindings'];
/** Granted only with `securityHub: true`, on each listed region's hub of this account: suppressing
 * exempted findings and lifting the suppression (`Workflow`, `Note`), which an import cannot set. */
export const SECURITY_HUB_TRIAGE_ACTIONS = ['securityhub:BatchUpdateFindings'];
/** Granted only with `discoverMemberAccounts: true`, on `*`. */
export const DISCOVER_ACCOUNTS_ACTION = 'organizations:ListAccounts';
/**
 * What the responder does to its table: GetItem, PutItem, UpdateItem, BatchWriteItem, Query (the
 * table and its `nonCompliant`, `live` and `exemptions` indexes) and TransactWriteItems. No
 * `dynamodb:TransactWriteItems` action exists: each Put or Update inside a transaction is
 * authorized by PutItem or UpdateItem (it makes no ConditionCheck) ("Using IAM with DynamoDB transactions",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 * History items (revert intents, updated in place) and the hourly `CAP#` counters are items of the
 * same table, expiring through its TTL attribute `expiresAt`: no other action is needed.
 */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:Query',
];

export interface ResponderStackProps extends StackProps {
  readonly settings: Settings;
}

/**
 * The home-region stack: the compliance table, the responder Lambda, the EventBridge rule, the
 * sweep schedule, the dead-letter queue and the alarms.
 */
export class ResponderStack extends Stack {
  readonly table: dynamodb.Table;
  readonly function: lambda.Function;
  readonly deadLetters: sqs.Queue;
  /** The sweep's shards and their dead-letter queue. */
  readonly sweep: SweepQueue;
  /** Every alarm that notifies (the heartbeat's inputs excluded). */
  readonly alarms: cloudwatch.IAlarm[];
  /** Organisation mode: the bus member accounts forward their events (and their alarms' state changes) to. */
  readonly memberBus?: events.EventBus;
  /** The drift alarm (new non-compliance), which may notify other topics than the rest. */
  driftAlarm!: cloudwatch.Alarm;
  readonly dashboard: ResponderDashboard;

  constructor(scope: Construct, id: string, props: ResponderStackProps) {
    super(scope, id, props);
    const settings = props.settings;
    const regions = [this.region, ...settings.otherRegions];

    this.table = new dynamodb.Table(this, 'Table', {
      tableName: TABLE_NAME,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'expiresAt',
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: NON_COMPLIANT_INDEX,
      partitionKey: { name: 'nonCompliant', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: LIVE_INDEX,
      partitionKey: { name: 'scope', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    // Sparse: only exemption items carry `exemption`; `meshwarden exempt list` and the sweep
    // read every exemption with one Query.
    this.table.addGlobalSecondaryIndex({
      indexName: EXEMPTIONS_INDEX,
      partitionKey: { name: 'exemption', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    this.deadLetters = deadLetterQueue(this, 'DeadLetters');
    this.sweep = new SweepQueue(this, 'SweepShards', { timeout: settings.timeout });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
      // CloudWatch Logs' retention periods are the values of logs.RetentionDays (settings.ts checks it).
      retention: settings.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const role = new iam.Role(this, 'Role', {
      roleName: RESPONDER_ROLE_NAME,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Meshwarden responder: reads ${serviceNames()}, writes its compliance table`,
    });
    logGroup.grantWrite(role);
    const organisationMode = settings.organizationId !== undefined || settings.memberAccounts.length > 0;
    const memberRoleArns =
      settings.organizationId !== undefined
        ? [`arn:${Aws.PARTITION}:iam::*:role/${MEMBER_ROLE_NAME}`]
        : settings.memberAccounts.map((a) => `arn:${Aws.PARTITION}:iam::${a}:role/${MEMBER_ROLE_NAME}`);
    const policy = new iam.Policy(this, 'Permissions', {
      statements: [
        // Every service's reads, and with auto-revert on its reverts, on this account's resources in
        // the listed regions, or in any region where lib/services.ts says why (VPC Lattice, Amazon ECS).
        ...serviceStatements('read', regions),
        ...(settings.autoRevert === 'on' ? serviceStatements('revert', regions) : []),
        // With auto-revert on: the roles a revert may pass (Amazon ECS's Service Connect TLS role),
        // exactly those of the settings, to the service's principal only; none for an empty list.
        ...(settings.autoRevert === 'on' ? passRoleStatements(settings.ecsServiceConnectTlsRoleArns) : []),
        new iam.PolicyStatement({
          sid: 'ComplianceTable',
          actions: TABLE_ACTIONS,
          resources: [
            this.table.tableArn,
            `${this.table.tableArn}/index/${NON_COMPLIANT_INDEX}`,
            `${this.table.tableArn}/index/${LIVE_INDEX}`,
            `${this.table.tableArn}/index/${EXEMPTIONS_INDEX}`,
          ],
        }),
        // The sweep's shards (lib/sweep-queue.ts): sent to its queue only.
        this.sweep.sendStatement(),
        // Organisation mode: the member role of any account (the member's trust policy decides who
        // may assume it: this role, of this organisation or with the external id); with only
        // memberAccounts, the member role of those accounts.
        ...(organisationMode
          ? [
              new iam.PolicyStatement({
                sid: 'AssumeMemberRoles',
                actions: ['sts:AssumeRole'],
                resources: memberRoleArns,
              }),
            ]
          : []),
        // Account discovery: ListAccounts has no resource-level permissions ("Actions, resources, and
        // condition keys for AWS Organizations",
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html),
        // and answers only in the management account or a delegated administrator.
        ...(settings.discoverMemberAccounts
          ? [new iam.PolicyStatement({ sid: 'DiscoverMemberAccounts', actions: [DISCOVER_ACCOUNTS_ACTION], resources: ['*'] })]
          : []),
        // BatchImportFindings authorizes on the product the findings are imported for ("Actions,
        // resources, and condition keys for AWS Security Hub": resource type product,
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecurityhub.html);
        // an account's own findings use its default product, in the resource's region.
        ...(settings.securityHub
          ? [
              new iam.PolicyStatement({
                sid: 'ImportFindings',
                actions: SECURITY_HUB_ACTIONS,
                resources: regions.map((r) => `arn:${Aws.PARTITION}:securityhub:${r}:${Aws.ACCOUNT_ID}:product/${Aws.ACCOUNT_ID}/default`),
                conditions: { StringEquals: { 'securityhub:TargetAccount': Aws.ACCOUNT_ID } },
              }),
              // BatchUpdateFindings authorizes on the account's hub (resource type hub, same page).
              new iam.PolicyStatement({
                sid: 'TriageFindings',
                actions: SECURITY_HUB_TRIAGE_ACTIONS,
                resources: regions.map((r) => `arn:${Aws.PARTITION}:securityhub:${r}:${Aws.ACCOUNT_ID}:hub/default`),
              }),
            ]
          : []),
      ],
    });
    policy.attachToRole(role);
    acknowledgeServiceStatements(policy, settings.autoRevert === 'on' ? ['read', 'revert'] : ['read'], regions, 'the responder');
    if (settings.discoverMemberAccounts) {
      acknowledge(policy, 'AwsSolutions-IAM5', ['Resource::*'], 'organizations:ListAccounts has no resource-level permissions; it only lists the accounts the sweep covers');
    }
    if (settings.organizationId !== undefined) {
      acknowledge(
        policy,
        'AwsSolutions-IAM5',
        [`Resource::arn:<AWS::Partition>:iam::*:role/${MEMBER_ROLE_NAME}`],
        "the responder assumes the member role of whichever organisation account an event comes from; each member role's trust names this role and the organisation",
      );
    }

    if (!fs.existsSync(settings.lambdaCode)) {
      throw new Error(
        `Lambda code not found at ${settings.lambdaCode}: build it with ` +
          '`cargo lambda build --release --arm64 --output-format zip -p meshwarden-lambda` or pass -c lambdaZip=PATH',
      );
    }
    this.function = new lambda.Function(this, 'Responder', {
      functionName: FUNCTION_NAME,
      description: `Meshwarden: evaluates ${serviceNames()} changes, records compliance, reverts drift when enabled`,
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: lambda.Architecture.ARM_64,
      handler: 'bootstrap',
      code: lambda.Code.fromAsset(settings.lambdaCode),
      role,
      logGroup,
      memorySize: settings.memoryMb,
      timeout: settings.timeout,
      reservedConcurrentExecutions: settings.reservedConcurrency,
      retryAttempts: settings.retryAttempts,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(this.deadLetters),
      environment: {
        MESHWARDEN_TABLE: this.table.tableName,
        AUTO_REVERT: settings.autoRevert,
        MESHWARDEN_TLS_CA_ARNS: settings.tlsCaArns.join(','),
        MESHWARDEN_ECS_TLS_ROLE_ARNS: settings.ecsServiceConnectTlsRoleArns.join(','),
        MESHWARDEN_HISTORY_TTL_DAYS: String(settings.historyTtlDays),
        MESHWARDEN_OWN_ROLE_ARN: role.roleArn,
        MESHWARDEN_REGIONS: regions.join(','),
        // Ends before Lambda's last retry, so that attempt records what it sees (lib/timing.ts).
        MESHWARDEN_CONSISTENCY_WINDOW_SECS: String(consistencyWindowSecs(settings.retryAttempts)),
        MESHWARDEN_REVERT_LEASE_SECS: String(revertLeaseSecs(settings.timeout)),
        MESHWARDEN_SECURITY_HUB: settings.securityHub ? 'on' : 'off',
        ...(organisationMode ? { MESHWARDEN_MEMBER_ROLE_NAME: MEMBER_ROLE_NAME } : {}),
        ...optionalVariables(settings),
        // The sweep fans out over this queue, covering these member accounts too.
        MESHWARDEN_SWEEP_QUEUE_URL: this.sweep.queue.queueUrl,
        MESHWARDEN_SWEEP_SHARD_SIZE: String(settings.sweepShardSize),
        ...(settings.memberAccounts.length > 0 ? { MESHWARDEN_SWEEP_ACCOUNTS: settings.memberAccounts.join(',') } : {}),
        RUST_LOG: 'info',
      },
    });
    this.function.node.addDependency(policy);
    this.sweep.feed(this.function, settings.sweepConcurrency);

    // One rule per service and kind of event (lib/handled-events.ts), all with the same target;
    // in organisation mode the same rules again on the member bus, for the members' events.
    this.memberBus = organisationMode ? this.acceptMemberEvents(settings) : undefined;
    const rules: StackRule[] = [
      ...this.serviceRules(''),
      ...(this.memberBus ? this.serviceRules('Member', this.memberBus) : []),
    ];

    const functionId = this.resolve(this.getLogicalId(this.function.node.defaultChild as lambda.CfnFunction));
    acknowledge(
      this,
      'AwsSolutions-IAM5',
      [`Resource::<${functionId}.Arn>:*`],
      "the scheduler's invoke permission covers the function's versions (CDK's grantInvoke); it names this function only",
    );
    new scheduler.Schedule(this, 'Sweep', {
      description: 'Meshwarden sweep: plans one shard per service, account and region on the sweep queue, which evaluates and records every resource',
      schedule: scheduler.ScheduleExpression.expression(settings.sweepRate),
      target: new schedulerTargets.LambdaInvoke(this.function, {
        input: scheduler.ScheduleTargetInput.fromObject({
          version: '0',
          id: scheduler.ContextAttribute.executionId,
          'detail-type': 'Scheduled Event',
          source: 'meshwarden.sweep',
          time: scheduler.ContextAttribute.scheduledTime,
          detail: {},
        }),
        deadLetterQueue: this.deadLetters,
        retryAttempts: 2,
      }),
    });

    const system = alarmTargets(this, { email: settings.alarmEmail, topicArn: settings.alarmTopicArn }, 'alarmEmail or alarmTopicArn');
    const separateDrift = settings.driftAlarmEmail !== undefined || settings.driftAlarmTopicArn !== undefined;
    const drift = separateDrift
      ? alarmTargets(this, { email: settings.driftAlarmEmail, topicArn: settings.driftAlarmTopicArn }, 'driftAlarmEmail or driftAlarmTopicArn', 'Drift')
      : system;
    const memberAlarms = this.memberBus ? this.notifyMemberAlarms(this.memberBus, system) : [];
    this.alarms = this.createAlarms(settings, rules, system, drift, memberAlarms);
    this.dashboard = new ResponderDashboard(this, 'Dashboard', { responder: this, settings });
    if (settings.createTrail) this.trail(settings);

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'FunctionName', { value: this.function.functionName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetters.queueUrl });
    new CfnOutput(this, 'SweepQueueUrl', { value: this.sweep.queue.queueUrl });
    new CfnOutput(this, 'SweepDeadLetterQueueArn', { value: this.sweep.deadLetters.queueArn });
    // scripts/deploy.sh --destroy reads every output ending in DeadLetterQueueUrl to refuse while one holds messages.
    new CfnOutput(this, 'SweepDeadLetterQueueUrl', { value: this.sweep.deadLetters.queueUrl });
  }

  /** The rules of every service's events (lib/handled-events.ts) on `bus` (absent: the default bus), invoking the function. */
  private serviceRules(prefix: string, bus?: events.IEventBus): StackRule[] {
    return serviceRules().map(({ id, what, description, eventPattern }) => ({
      id: `${prefix}${id}`,
      what: bus ? `${what} of member accounts` : what,
      bus,
      rule: new events.Rule(this, `${prefix}${id}`, {
        description: bus ? `${description}, forwarded by member accounts` : description,
        eventBus: bus,
        eventPattern,
        targets: [
          new targets.LambdaFunction(this.function, {
            deadLetterQueue: this.deadLetters,
            retryAttempts: 4,
            maxEventAge: Duration.hours(2),
          }),
        ],
      }),
    }));
  }

  /**
   * The bus member accounts forward to (`meshwarden-members`), not the default bus: its policy
   * admits events:PutEvents only from the member template's forwarding roles
   * (`aws:PrincipalArn` like `role/meshwarden-member-forward-*`; for a role session IAM puts the
   * role's ARN in aws:PrincipalArn, "AWS global condition context keys",
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn)
   * of the organisation's accounts (`aws:PrincipalOrgID`) or of the listed accounts. A rule that
   * targets another account's bus sends with a role of the sender account ("Sending and
   * receiving events between AWS accounts",
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html): the member
   * template's rules do, with these roles; nothing else of the organisation can put events here.
   */
  private acceptMemberEvents(settings: Settings): events.EventBus {
    const bus = new events.EventBus(this, 'MemberBus', {
      eventBusName: MEMBER_BUS_NAME,
      description: `Meshwarden hub: ${serviceNames()} events and alarm state changes forwarded by member accounts`,
    });
    const forwardRole = (account: string) => `arn:${Aws.PARTITION}:iam::${account}:role/${MEMBER_FORWARD_ROLE_PREFIX}*`;
    // The statement's Sid is StatementId (as in the AWS::Events::EventBusPolicy examples, none in the statement).
    const statement =
      settings.organizationId !== undefined
        ? {
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: bus.eventBusArn,
            Condition: {
              StringEquals: { 'aws:PrincipalOrgID': settings.organizationId },
              ArnLike: { 'aws:PrincipalArn': forwardRole('*') },
            },
          }
        : {
            Effect: 'Allow',
            Principal: { AWS: settings.memberAccounts.map((a) => `arn:${Aws.PARTITION}:iam::${a}:root`) },
            Action: 'events:PutEvents',
            Resource: bus.eventBusArn,
            Condition: { ArnLike: { 'aws:PrincipalArn': settings.memberAccounts.map(forwardRole) } },
          };
    new events.CfnEventBusPolicy(this, 'MemberEventsPolicy', {
      eventBusName: bus.eventBusName,
      statementId: MEMBER_EVENTS_STATEMENT_ID,
      statement,
    });
    return bus;
  }

  /**
   * A member's alarms (its dead-letter queue, its rules' failed invocations) reach the hub's system
   * topics: their "CloudWatch Alarm State Change" events, which CloudWatch sends to the member's
   * default bus ("Alarm events and EventBridge",
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html),
   * are forwarded to the member bus, where this rule publishes those entering ALARM to the topics.
   */
  private notifyMemberAlarms(bus: events.EventBus, system: AlarmTargets): cloudwatch.Alarm[] {
    if (system.topics.length === 0) return [];
    if (system.created) allowEventBridge(system.created);
    // No dead-letter queue: the responder's would hand alarm events to `meshwarden dlq replay`.
    const rule = new events.Rule(this, 'MemberAlarms', {
      description: "A member account's Meshwarden alarm entered ALARM: notify the hub's alarm topics",
      eventBus: bus,
      eventPattern: memberAlarmPattern(),
      targets: system.topics.map((topic) => new targets.SnsTopic(topic)),
    });
    return [
      ruleMetric(rule, 'FailedInvocations', Duration.minutes(5), bus).createAlarm(
        this,
        'MemberAlarmsFailedInvocationsAlarm',
        overZero(
          "EventBridge could not publish a member account's alarm to the alarm topics (AWS/Events FailedInvocations of the MemberAlarms rule): " +
            "check the topics' policies and keys allow events.amazonaws.com",
        ),
      ),
    ];
  }

  private createAlarms(
    settings: Settings,
    rules: StackRule[],
    system: AlarmTargets,
    drift: AlarmTargets,
    memberAlarms: cloudwatch.Alarm[],
  ): cloudwatch.IAlarm[] {
    const fiveMinutes = Duration.minutes(5);
    const metricAlarms = [
      ...memberAlarms,
      this.function.metricErrors({ period: fiveMinutes, statistic: 'Sum' }).createAlarm(
        this,
        'ErrorsAlarm',
        overZero(
          'Meshwarden responder invocations returned an error (AWS/Lambda Errors): eventual consistency within the ' +
            'consistency window and transient faults, which Lambda retries, or bugs',
        ),
      ),
      this.function.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }).createAlarm(
        this,
        'ThrottlesAlarm',
        overZero(
          'Meshwarden responder invocations were throttled (AWS/Lambda Throttles): its reserved concurrency is exhausted. ' +
            'Lambda retries throttled asynchronous events for up to the maximum event age (1 hour), then they go to the ' +
            'dead-letter queue; raise reservedConcurrency if this repeats',
        ),
      ),
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'DestinationDeliveryFailures',
        dimensionsMap: { FunctionName: this.function.functionName },
        statistic: 'Sum',
        period: fiveMinutes,
      }).createAlarm(
        this,
        'DestinationDeliveryFailuresAlarm',
        overZero(
          'Lambda could not deliver a failed Meshwarden event to the dead-letter queue (AWS/Lambda DestinationDeliveryFailures): the event is lost',
        ),
      ),
      this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes }).createAlarm(
        this,
        'DeadLettersAlarm',
        overZero('Events Meshwarden could not process after retries are waiting in its dead-letter queue'),
      ),
      this.sweep.deadLetters.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes }).createAlarm(
        this,
        'SweepDeadLettersAlarm',
        overZero(
          'Sweep shards failed on every one of their deliveries and wait in the sweep dead-letter queue (their resources ' +
            'were not swept). Fix the cause, then move them back with `aws sqs start-message-move-task --source-arn ' +
            '<SweepDeadLetterQueueArn>`: a shard run again writes the same items',
        ),
      ),
      ...ruleAlarms(this, rules, (what) => ({
        failed: `The Meshwarden EventBridge rule of ${what} failed to invoke the responder permanently`,
        lost: `The Meshwarden EventBridge rule of ${what} could not put an event it failed to deliver in the dead-letter queue: the event is lost`,
      })),
      responderMetric('Errors', fiveMinutes).createAlarm(
        this,
        'ResponderErrorsAlarm',
        overZero(
          'The Meshwarden responder recorded errors of its own (Meshwarden/Errors): a describe AWS refused, a revert ' +
            'that failed or a write the table rejected. Not the AWS/Lambda Errors alarm (invocations that returned an error)',
        ),
      ),
      responderMetric('RevertsCapped', fiveMinutes).createAlarm(
        this,
        'RevertsCappedAlarm',
        overZero(
          'The per-resource hourly revert cap stopped a Meshwarden revert: the resource stays drifted ' +
            '(something keeps changing it back)',
        ),
      ),
      // Emitted only by the sweep (by default once a day), so summed per hour rather than per 5 minutes.
      responderMetric('MissedEvents', Duration.hours(1)).createAlarm(
        this,
        'MissedEventsAlarm',
        overZero(
          'A Meshwarden sweep found App Mesh resources whose version moved without an event having recorded it: the ' +
            'event path (CloudTrail trail, EventBridge rule or a forwarder) is broken or lost events; those changes ' +
            'were only evaluated late, by the sweep',
        ),
      ),
    ];
    const heartbeat = this.heartbeat(settings);
    metricAlarms.forEach((alarm) => alarm.addAlarmAction(...system.actions));
    heartbeat.addAlarmAction(...system.actions);
    // Drift pages on new non-compliance only (contracts: a resource that became non-compliant, or
    // fails a non-exempted rule it passed in its previous state), not on every sweep of known drift.
    this.driftAlarm = responderMetric('NewNonCompliance', fiveMinutes).createAlarm(
      this,
      'NewNonComplianceAlarm',
      overZero(
        'Meshwarden found new drift (Meshwarden/NewNonCompliance): a resource became non-compliant, or fails a rule it passed ' +
          'before (an exemption that ended counts). Known drift that stays does not page again; `meshwarden status` lists it',
      ),
    );
    this.driftAlarm.addAlarmAction(...drift.actions);
    return [...metricAlarms, heartbeat, this.driftAlarm];
  }

  /**
   * The heartbeat: ALARM when the function has not been invoked for `heartbeatHours` (the sweep
   * period + 1 hour) although it was invoked during the last 7 days. Lambda publishes no
   * `Invocations` datapoint for an hour without invocations, so "no invocation" can only be seen as
   * missing data treated as breaching; on a fresh deployment every datapoint is missing, so that
   * alarm alone would fire before the first sweep. Two metric alarms without actions feed a
   * composite alarm that notifies:
   * - `HeartbeatSilentAlarm`: no invocation in each of the last `heartbeatHours` hours (missing = breaching);
   * - `HeartbeatWeekSilentAlarm`: no invocation in each of the last 7 days (missing = breaching);
   * - `Heartbeat` = ALARM(silent) AND OK(week-silent). A fresh deployment's week-silent alarm is
   *   INSUFFICIENT_DATA or ALARM until the first invocation, so the composite cannot fire before the
   *   first sweep (nor while the two inputs are first evaluated in either order).
   * A function silent for more than 7 days is no longer reported (week-silent leaves OK); by then
   * the heartbeat has notified for days.
   */
  private heartbeat(settings: Settings): cloudwatch.CompositeAlarm {
    const silent = this.function.metricInvocations({ period: Duration.hours(1), statistic: 'Sum' }).createAlarm(this, 'HeartbeatSilentAlarm', {
      alarmDescription:
        `Input of the Meshwarden heartbeat (no action of its own): the function was not invoked in any of the last ` +
        `${settings.heartbeatHours} hours. Also in ALARM on a fresh deployment until the first sweep`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: settings.heartbeatHours,
      datapointsToAlarm: settings.heartbeatHours,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const weekSilent = this.function.metricInvocations({ period: Duration.days(1), statistic: 'Sum' }).createAlarm(this, 'HeartbeatWeekSilentAlarm', {
      alarmDescription:
        'Input of the Meshwarden heartbeat (no action of its own): the function was not invoked on any of the last 7 days, ' +
        'as on a fresh deployment before its first sweep. While this is not OK the heartbeat cannot fire',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: HEARTBEAT_MEMORY_DAYS,
      datapointsToAlarm: HEARTBEAT_MEMORY_DAYS,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    return new cloudwatch.CompositeAlarm(this, 'Heartbeat', {
      alarmDescription:
        `Meshwarden was not invoked for ${settings.heartbeatHours} hours although the sweep is scheduled at ${settings.sweepRate} ` +
        'and it ran during the last 7 days: the schedule or the function is broken. This only proves the function runs, not ' +
        `that ${serviceNames()} events arrive (the sweep keeps it quiet); MissedEventsAlarm detects a broken trail, rule or forwarder ` +
        'at the first sweep after a change they missed',
      alarmRule: cloudwatch.AlarmRule.allOf(
        cloudwatch.AlarmRule.fromAlarm(silent, cloudwatch.AlarmState.ALARM),
        cloudwatch.AlarmRule.fromAlarm(weekSilent, cloudwatch.AlarmState.OK),
      ),
    });
  }

  /**
   * A multi-region trail recording write management events (EventBridge sees no API call without
   * one), into a bucket that is KMS-encrypted with the trail's own key, versioned, expires logs after
   * `trailRetentionDays` and logs its own access to a second bucket.
   */
  private trail(settings: Settings) {
    const trailArn = `arn:${Aws.PARTITION}:cloudtrail:${this.region}:${Aws.ACCOUNT_ID}:trail/${TRAIL_NAME}`;
    const key = new kms.Key(this, 'TrailKey', {
      description: 'Encrypts the Meshwarden trail and its bucket',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudTrail encrypts log files with the trail's key; the conditions name this trail of this
    // account ("Configure AWS KMS key policies for CloudTrail",
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html).
    const thisTrail = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': trailArn } };
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsLogsOfThisTrail',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: thisTrail,
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribesKeyForThisTrail',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: thisTrail,
      }),
    );
    const expiry: s3.LifecycleRule = {
      id: 'ExpireLogs',
      expiration: Duration.days(settings.trailRetentionDays),
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    };
    // Server access logs can only be delivered to a bucket encrypted with S3-managed keys
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
    const accessLogs = new s3.Bucket(this, 'TrailAccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [expiry],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logsOwnAccess = "this bucket receives the trail bucket's access logs; logging its own access would log the logs";
    acknowledge(accessLogs, 'AwsSolutions-S1', [], logsOwnAccess);
    // The same exception for checkov (CKV_AWS_18: S3 access logging), read from the template's metadata.
    (accessLogs.node.defaultChild as s3.CfnBucket).addMetadata('checkov', { skip: [{ id: 'CKV_AWS_18', comment: logsOwnAccess }] });
    const bucket = new s3.Bucket(this, 'TrailBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'trail-bucket/',
      lifecycleRules: [expiry],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new cloudtrail.Trail(this, 'Trail', {
      trailName: TRAIL_NAME,
      bucket,
      encryptionKey: key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
      enableFileValidation: true,
    });
  }
}

/**
 * The engine's variables that only a setting sets (crates/engine/src/config.rs reads each; absent
 * here means the engine's default): the rules' parameters, the revert cap, the member trust's
 * external id, account discovery and the exemption tag. `requiredTagKeys: []` sets the variable
 * empty, which the engine reads as "any tag" (unset: the rule is off).
 */
export function optionalVariables(settings: Settings): Record<string, string> {
  const vars: Record<string, string | undefined> = {
    MESHWARDEN_REQUIRED_TAG_KEYS: settings.requiredTagKeys?.join(','),
    MESHWARDEN_MAX_REVERTS_PER_HOUR: String(settings.maxRevertsPerHour),
    MESHWARDEN_MESH_IP_PREFERENCE: settings.meshIpPreference,
    MESHWARDEN_NODE_IP_PREFERENCE: settings.nodeIpPreference,
    MESHWARDEN_MEMBER_EXTERNAL_ID: settings.memberExternalId,
    MESHWARDEN_DISCOVER_ACCOUNTS: settings.discoverMemberAccounts ? 'organizations' : undefined,
    MESHWARDEN_EXEMPTION_TAG_KEY: settings.exemptionTagKey,
  };
  return Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The "CloudWatch Alarm State Change" events of the member template's alarms entering ALARM. */
export function memberAlarmPattern(): events.EventPattern {
  return {
    source: ['aws.cloudwatch'],
    detailType: ['CloudWatch Alarm State Change'],
    detail: { alarmName: [{ prefix: MEMBER_ALARM_PREFIX }], state: { value: ['ALARM'] } },
  };
}

/** One of the responder's own metrics, summed over `period`. */
export function responderMetric(metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName, statistic: 'Sum', period });
}
