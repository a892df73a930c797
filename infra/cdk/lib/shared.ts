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

/** An encrypted, TLS-only dead-letter queue keeping failed events for 14 days. */
export function deadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
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

/**
 * The actions for a stack's alarms. An alarm notifies topics of its own region only (an SNS topic
 * ARN names its region), so each stack gets its own: with `email`, a KMS-encrypted topic in the
 * stack's region subscribed to it (construct ids `AlarmTopicKey` / `AlarmTopic`, unchanged from the
 * home stack's earlier versions so an existing topic and its confirmed subscription are kept);
 * with `topicArn`, that existing topic. With neither, synthesis warns that the alarms notify no one.
 */
export function alarmActions(stack: Stack, notifications: AlarmNotifications, settingsHint: string): cloudwatch.IAlarmAction[] {
  const actions: cloudwatch.IAlarmAction[] = [];
  if (notifications.email) {
    const key = new kms.Key(stack, 'AlarmTopicKey', {
      description: 'Encrypts the Meshwarden alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes to an encrypted topic only with these two actions on its key
    // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services);
    // aws:SourceAccount keeps other accounts' alarms from using the grant (confused deputy,
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const topic = new sns.Topic(stack, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    topic.addSubscription(new subscriptions.EmailSubscription(notifications.email));
    actions.push(new cwActions.SnsAction(topic));
  }
  if (notifications.topicArn) {
    actions.push(new cwActions.SnsAction(sns.Topic.fromTopicArn(stack, 'ExistingAlarmTopic', notifications.topicArn)));
  }
  if (actions.length === 0) {
    Annotations.of(stack).addWarningV2(
      NO_ALARM_TARGET_WARNING,
      `The alarms of ${stack.stackName} (${stack.region}) notify no one: set ${settingsHint} in meshwarden.settings.json`,
    );
  }
  return actions;
}

/** An AWS/Events metric of a rule on the default bus (dimension RuleName only), summed over `period`. */
export function ruleMetric(rule: events.Rule, metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName,
    dimensionsMap: { RuleName: rule.ruleName },
    statistic: 'Sum',
    period,
  });
}

/** A rule of a stack, with its construct id and what it matches ("App Mesh API calls"). */
export interface StackRule {
  readonly id: string;
  readonly what: string;
  readonly rule: events.Rule;
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
  return rules.flatMap(({ id, what, rule }) => {
    const { failed, lost } = describe(what);
    return [
      ruleMetric(rule, 'FailedInvocations', period).createAlarm(
        scope,
        `${id}FailedInvocationsAlarm`,
        overZero(`${failed} (AWS/Events FailedInvocations of the rule)`),
      ),
      ruleMetric(rule, 'InvocationsFailedToBeSentToDlq', period).createAlarm(
        scope,
        `${id}DeadLetterFailuresAlarm`,
        overZero(`${lost} (AWS/Events InvocationsFailedToBeSentToDlq of the rule)`),
      ),
    ];
  });
}
