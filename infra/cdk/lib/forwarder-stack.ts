import { Aws, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { serviceRules } from './handled-events';
import { serviceNames } from './services';
import { AlarmNotifications, alarmActions, deadLetterQueue, overZero, ruleAlarms, StackRule } from './shared';

/**
 * The forwarder stacks' dead-letter queue, named so that the home stack's dashboard can show its
 * depth in each region (a dashboard metric may name another region; a stack cannot reference
 * another region's resources).
 */
export const FORWARDER_DEAD_LETTERS_NAME = 'meshwarden-forward-dead-letters';

export interface ForwarderStackProps extends StackProps {
  /** The region of the responder stack. */
  readonly homeRegion: string;
  /** Where this region's alarms go (a topic of this region). */
  readonly notifications: AlarmNotifications;
}

/**
 * In a region other than the home region: forward the same events (every service's) to the home
 * region's default event bus (the services' events are regional; the responder describes in
 * `awsRegion`), and alarm on what this region's forwarding loses.
 */
export class ForwarderStack extends Stack {
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    const home = props.homeRegion;
    const { rules, deadLetters } = forwardServiceEvents(this, {
      busArn: `arn:${Aws.PARTITION}:events:${home}:${Aws.ACCOUNT_ID}:event-bus/default`,
      roleDescription: `Meshwarden: lets this region's forwarder rules put ${serviceNames()} events on the default bus in ${home}`,
      ruleDescription: (what) => `Forward ${what} to the Meshwarden responder in ${home}`,
      deadLetterQueueName: FORWARDER_DEAD_LETTERS_NAME,
    });

    this.alarms = [
      forwardingDeadLettersAlarm(this, deadLetters, home),
      ...ruleAlarms(this, rules, (what) => ({
        failed: `The forwarder rule in ${this.region} failed to forward ${what} permanently`,
        lost: `The forwarder rule in ${this.region} could not put failed ${what} in its dead-letter queue: they are lost`,
      })),
    ];
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: deadLetters.queueUrl });
    const actions = alarmActions(this, props.notifications, `alarmEmail, or alarmTopicArns.${this.region}`);
    this.alarms.forEach((alarm) => alarm.addAlarmAction(...actions));
  }
}

/**
 * The alarm on a forwarding dead-letter queue (`DeadLettersAlarm`): any message waiting, as the
 * queue's maximum over 5 minutes. `alarmName` names it (the member template's, which the hub
 * hears of by that name); absent: generated.
 */
export function forwardingDeadLettersAlarm(scope: Construct, deadLetters: sqs.IQueue, home: string, alarmName?: string): cloudwatch.Alarm {
  return deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }).createAlarm(scope, 'DeadLettersAlarm', {
    ...overZero(
      `Events of ${Stack.of(scope).region} that EventBridge could not forward to ${home} are waiting in this region's dead-letter ` +
        "queue: the responder never saw them (the hub's bus or this forwarder's role refused them)",
    ),
    alarmName,
  });
}

export interface ForwardingProps {
  /** The default event bus the events go to (the home region's, or the hub account's). */
  readonly busArn: string;
  readonly roleDescription: string;
  /** The forwarding role's name (absent: generated). */
  readonly roleName?: string;
  /** The dead-letter queue's name (absent: generated). */
  readonly deadLetterQueueName?: string;
  /** A rule's description, from what it matches ("App Mesh API calls"). */
  readonly ruleDescription: (what: string) => string;
}

/**
 * Rules on this region's default bus sending every service's events the router handles
 * (`serviceRules()`) to another default bus, each with the same target: construct ids `HomeBus`,
 * `ForwardRole`, `DeadLetters` and `Forward${rule id}` (`ForwardAppMeshChanges`, ...) in `scope`,
 * the role EventBridge uses to put the events there and one dead-letter queue for what it cannot
 * deliver. Shared by the forwarder stacks and the member template.
 */
export function forwardServiceEvents(scope: Construct, props: ForwardingProps) {
  const bus = events.EventBus.fromEventBusArn(scope, 'HomeBus', props.busArn);
  // The role EventBridge assumes to put events on that bus. aws:SourceAccount: only EventBridge
  // acting for this account's rules may assume it (confused deputy,
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). The targets grant it
  // events:PutEvents on that bus only.
  const role = new iam.Role(scope, 'ForwardRole', {
    roleName: props.roleName,
    description: props.roleDescription,
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  });
  const deadLetters = deadLetterQueue(scope, 'DeadLetters', props.deadLetterQueueName);
  const rules: StackRule[] = serviceRules().map(({ id, what, eventPattern }) => ({
    id: `Forward${id}`,
    what,
    rule: new events.Rule(scope, `Forward${id}`, {
      description: props.ruleDescription(what),
      eventPattern,
      targets: [new targets.EventBus(bus, { deadLetterQueue: deadLetters, role })],
    }),
  }));
  return { rules, role, deadLetters, bus };
}
