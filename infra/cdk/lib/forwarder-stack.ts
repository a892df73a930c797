import { Aws, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { appMeshEventPattern } from './handled-events';
import { AlarmNotifications, alarmActions, deadLetterQueue, overZero } from './shared';

export interface ForwarderStackProps extends StackProps {
  /** The region of the responder stack. */
  readonly homeRegion: string;
  /** Where this region's alarms go (a topic of this region). */
  readonly notifications: AlarmNotifications;
}

/**
 * In a region other than the home region: forward the same App Mesh events to the home region's
 * default event bus (App Mesh events are regional; the responder describes in `awsRegion`), and
 * alarm on what this region's forwarding loses.
 */
export class ForwarderStack extends Stack {
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    const { rule, deadLetters } = forwardAppMeshEvents(this, {
      busArn: `arn:${Aws.PARTITION}:events:${props.homeRegion}:${Aws.ACCOUNT_ID}:event-bus/default`,
      roleDescription: `Meshwarden: lets this region's forwarder rule put App Mesh events on the default bus in ${props.homeRegion}`,
      ruleDescription: `Forward App Mesh changes to the Meshwarden responder in ${props.homeRegion}`,
    });

    const period = Duration.minutes(5);
    this.alarms = [
      deadLetters.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }).createAlarm(
        this,
        'DeadLettersAlarm',
        overZero(
          `App Mesh events of ${this.region} that EventBridge could not forward to ${props.homeRegion} are waiting in this ` +
            "region's dead-letter queue: the responder never saw them (the home bus or this forwarder's role refused them)",
        ),
      ),
      ruleMetric(rule, 'FailedInvocations', period).createAlarm(
        this,
        'FailedInvocationsAlarm',
        overZero(`The forwarder rule in ${this.region} failed to forward App Mesh events permanently (AWS/Events FailedInvocations)`),
      ),
      ruleMetric(rule, 'InvocationsFailedToBeSentToDlq', period).createAlarm(
        this,
        'DeadLetterFailuresAlarm',
        overZero(
          `The forwarder rule in ${this.region} could not put failed App Mesh events in its dead-letter queue: they are lost ` +
            '(AWS/Events InvocationsFailedToBeSentToDlq)',
        ),
      ),
    ];
    const actions = alarmActions(this, props.notifications, `alarmEmail, or alarmTopicArns.${this.region}`);
    this.alarms.forEach((alarm) => alarm.addAlarmAction(...actions));
  }
}

export interface ForwardingProps {
  /** The default event bus the events go to (the home region's, or the hub account's). */
  readonly busArn: string;
  readonly roleDescription: string;
  readonly ruleDescription: string;
}

/**
 * A rule on this region's default bus sending the App Mesh events the router handles to another
 * default bus (construct ids `HomeBus`, `ForwardRole`, `DeadLetters`, `ForwardAppMeshChanges` in
 * `scope`: the forwarder stacks' logical ids), with the role EventBridge uses to put them there and
 * a dead-letter queue for what it cannot deliver. Shared by the forwarder stacks and the member
 * template.
 */
export function forwardAppMeshEvents(scope: Construct, props: ForwardingProps) {
  const bus = events.EventBus.fromEventBusArn(scope, 'HomeBus', props.busArn);
  // The role EventBridge assumes to put events on that bus. aws:SourceAccount: only EventBridge
  // acting for this account's rules may assume it (confused deputy,
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). The target grants it
  // events:PutEvents on that bus only.
  const role = new iam.Role(scope, 'ForwardRole', {
    description: props.roleDescription,
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  });
  const deadLetters = deadLetterQueue(scope, 'DeadLetters');
  const rule = new events.Rule(scope, 'ForwardAppMeshChanges', {
    description: props.ruleDescription,
    eventPattern: appMeshEventPattern(),
    targets: [new targets.EventBus(bus, { deadLetterQueue: deadLetters, role })],
  });
  return { rule, role, deadLetters };
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
