import { Annotations, Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';

/**
 * Acknowledge cdk-nag findings with a reason. cdk-nag 3 needs one acknowledgement per finding
 * (`Rule[Finding]`); with no findings listed the rule itself is acknowledged.
 */
export function acknowledge(scope: IConstruct, rule: string, findings: string[], reason: string) {
  const ids = findings.length === 0 ? [rule] : findings.map((f) => `${rule}[${f}]`);
  ids.forEach((id) => Validations.of(scope).acknowledge({ id, reason }));
}

/** An encrypted, TLS-only dead-letter queue keeping failed events for 14 days; `queueName` names it (absent: generated). */
export function deadLetterQueue(scope: Construct, id: string, queueName?: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    queueName,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(queue, 'AwsSolutions-SQS3', [], 'this queue is itself the dead-letter queue');
  return queue;
}

/** An alarm on "any occurrence": the metric's sum (or maximum) over its period above zero; no data is no occurrence. */
export function overZero(description: string): cloudwatch.CreateAlarmOptions {
  return {
    alarmDescription: description,
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}

/** Where a stack's alarms go: an existing topic of the stack's region, and/or a topic for an email. */
export interface AlarmNotifications {
  readonly email?: string;
  readonly topicArn?: string;
}

/** The warning id synthesis prints when a stack's alarms notify no one. */
export const NO_ALARM_TARGET_WARNING = 'meshwarden:alarmsNotifyNoOne';

/** Where a stack's alarms go: the alarm actions, and the topics behind them (for EventBridge rules that notify them too). */
export interface AlarmTargets {
  readonly actions: cloudwatch.IAlarmAction[];
  readonly topics: sns.ITopic[];
  /** The topic created for an email, and its key (absent without an email). */
  readonly created?: { readonly topic: sns.Topic; readonly key: kms.Key };
}

/**
 * The targets of a stack's alarms. An alarm notifies topics of its own region only (an SNS topic
 * ARN names its region), so each stack gets its own: with `email`, a KMS-encrypted topic in the
 * stack's region subscribed to it (construct ids `${prefix}AlarmTopicKey` / `${prefix}AlarmTopic`;
 * with no prefix unchanged from earlier versions, so an existing topic and its confirmed
 * subscription are kept); with `topicArn`, that existing topic. With neither, synthesis warns
 * that the alarms notify no one.
 *
 * The topic's policy: `enforceSSL` makes CDK write an AWS::SNS::TopicPolicy, and a topic policy
 * replaces SNS's default policy, so besides the TLS-only deny it must allow
 * `cloudwatch.amazonaws.com` to publish ("Amazon SNS access control: aws:SourceAccount",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html), with
 * aws:SourceAccount = this account (confused deputy,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). Its key: CloudWatch
 * publishes to an encrypted topic only with kms:Decrypt and kms:GenerateDataKey* on it
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
export function alarmTargets(stack: Stack, notifications: AlarmNotifications, settingsHint: string, prefix = ''): AlarmTargets {
  const actions: cloudwatch.IAlarmAction[] = [];
  const topics: sns.ITopic[] = [];
  let created: AlarmTargets['created'];
  if (notifications.email) {
    const key = new kms.Key(stack, `${prefix}AlarmTopicKey`, {
      description: `Encrypts the Meshwarden ${prefix ? `${prefix.toLowerCase()} ` : ''}alarm topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const topic = new sns.Topic(stack, `${prefix}AlarmTopic`, { masterKey: key, enforceSSL: true });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    topic.addSubscription(new subscriptions.EmailSubscription(notifications.email));
    actions.push(new cwActions.SnsAction(topic));
    topics.push(topic);
    created = { topic, key };
  }
  if (notifications.topicArn) {
    const existing = sns.Topic.fromTopicArn(stack, `Existing${prefix}AlarmTopic`, notifications.topicArn);
    actions.push(new cwActions.SnsAction(existing));
    topics.push(existing);
  }
  if (actions.length === 0) {
    Annotations.of(stack).addWarningV2(
      NO_ALARM_TARGET_WARNING,
      `The alarms of ${stack.stackName} (${stack.region}) notify no one: set ${settingsHint} in meshwarden.settings.json`,
    );
  }
  return { actions, topics, created };
}

/**
 * Let EventBridge rules of this account publish to a topic `alarmTargets` created: the topic policy
 * (CDK's SnsTopic target adds `events.amazonaws.com` sns:Publish) and its key, which EventBridge
 * needs kms:Decrypt and kms:GenerateDataKey* on (the same SNS page, "Enable compatibility between
 * event sources from AWS services and encrypted topics"). No aws:SourceAccount on the key
 * statement: EventBridge's requests to KMS for SNS delivery do not carry it.
 */
export function allowEventBridge(created: NonNullable<AlarmTargets['created']>) {
  created.key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'EventBridgeRulesPublish',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
}

/** The alarm actions of a stack (`alarmTargets`' actions). */
export function alarmActions(stack: Stack, notifications: AlarmNotifications, settingsHint: string): cloudwatch.IAlarmAction[] {
  return alarmTargets(stack, notifications, settingsHint).actions;
}

/**
 * An AWS/Events metric of a rule, summed over `period`: dimension RuleName for a rule on the
 * default bus, EventBusName and RuleName for a rule on a custom bus ("Monitoring Amazon
 * EventBridge", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html).
 */
export function ruleMetric(rule: events.Rule, metricName: string, period: Duration, bus?: events.IEventBus): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName,
    dimensionsMap: bus ? { EventBusName: bus.eventBusName, RuleName: rule.ruleName } : { RuleName: rule.ruleName },
    statistic: 'Sum',
    period,
  });
}

/** A rule of a stack, with its construct id and what it matches ("App Mesh API calls"). */
export interface StackRule {
  readonly id: string;
  readonly what: string;
  readonly rule: events.Rule;
  /** The custom bus the rule is on (absent: the default bus). */
  readonly bus?: events.IEventBus;
}

/**
 * For each rule, two alarms on any occurrence over 5 minutes: `${id}FailedInvocationsAlarm`
 * (AWS/Events FailedInvocations: the target failed permanently) and `${id}DeadLetterFailuresAlarm`
 * (InvocationsFailedToBeSentToDlq: the event is lost). `describe` words each alarm's description.
 */
export function ruleAlarms(
  scope: Construct,
  rules: StackRule[],
  describe: (what: string) => { failed: string; lost: string },
): cloudwatch.Alarm[] {
  const period = Duration.minutes(5);
  return rules.flatMap(({ id, what, rule, bus }) => {
    const { failed, lost } = describe(what);
    return [
      ruleMetric(rule, 'FailedInvocations', period, bus).createAlarm(
        scope,
        `${id}FailedInvocationsAlarm`,
        overZero(`${failed} (AWS/Events FailedInvocations of the rule)`),
      ),
      ruleMetric(rule, 'InvocationsFailedToBeSentToDlq', period, bus).createAlarm(
        scope,
        `${id}DeadLetterFailuresAlarm`,
        overZero(`${lost} (AWS/Events InvocationsFailedToBeSentToDlq of the rule)`),
      ),
    ];
  });
}
