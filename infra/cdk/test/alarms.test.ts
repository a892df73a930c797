import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { serviceRules } from '../lib/handled-events';
import { NO_ALARM_TARGET_WARNING } from '../lib/shared';
import { synthWith } from './helpers';

type Resource = { Type: string; Properties: Record<string, any> };

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const HOME_TOPIC = 'arn:aws:sns:us-east-1:111122223333:team-chatbot';
const FORWARDER_TOPICS = {
  'eu-west-1': 'arn:aws:sns:eu-west-1:111122223333:team-chatbot',
  'ap-southeast-2': 'arn:aws:sns:ap-southeast-2:111122223333:team-chatbot',
};

function alarmsOf(template: Template): Record<string, Resource> {
  return template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>;
}
function compositesOf(template: Template): Record<string, Resource> {
  return template.findResources('AWS::CloudWatch::CompositeAlarm') as Record<string, Resource>;
}
/** The heartbeat's two inputs: metric alarms that notify nothing themselves. */
function isHeartbeatInput(id: string): boolean {
  return id.startsWith('HeartbeatSilentAlarm') || id.startsWith('HeartbeatWeekSilentAlarm');
}
/** Every alarm that notifies: the metric alarms but the heartbeat's inputs, and the composite heartbeat. */
function notifyingAlarms(template: Template): [string, Resource][] {
  return [...Object.entries(alarmsOf(template)).filter(([id]) => !isHeartbeatInput(id)), ...Object.entries(compositesOf(template))];
}

describe('home stack alarms', () => {
  const { template } = synthWith({});

  test.each([
    ['AWS/Lambda', 'Errors', 300],
    ['AWS/Lambda', 'Throttles', 300],
    ['AWS/Lambda', 'DestinationDeliveryFailures', 300],
    ['Meshwarden', 'Errors', 300],
    ['Meshwarden', 'RevertsCapped', 300],
    ['Meshwarden', 'MissedEvents', 3600],
    ['Meshwarden', 'NewNonCompliance', 300],
  ])('%s %s alarms on any occurrence', (namespace, metricName, period) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: namespace === 'Meshwarden' ? Match.absent() : [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Responder') } }],
      Statistic: 'Sum',
      Period: period,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  test.each(['FailedInvocations', 'InvocationsFailedToBeSentToDlq'])('AWS/Events %s of its rule, on the default bus (RuleName only)', (metricName) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Events',
      MetricName: metricName,
      Dimensions: [{ Name: 'RuleName', Value: { Ref: Match.stringLikeRegexp('^AppMeshChanges') } }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('no alarm pages on NonCompliant (known drift that stays), only on NewNonCompliance', () => {
    expect(Object.values(alarmsOf(template)).filter((a) => a.Properties.MetricName === 'NonCompliant')).toEqual([]);
  });

  test('its dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetters'), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
    });
  });
});

describe('every forwarder stack alarms on what its region loses', () => {
  const { forwarders } = synthWith({ regions: REGIONS });

  test.each(REGIONS.slice(1))('%s: its own dead-letter queue and its own rules', (region) => {
    const forwarder = forwarders.find((f) => f.region === region)!;
    const template = Template.fromStack(forwarder);
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    const rules = Object.keys(template.findResources('AWS::Events::Rule'));
    expect(queues).toHaveLength(1);
    expect(rules).toHaveLength(serviceRules().length);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queues[0], 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    for (const rule of rules) {
      for (const metricName of ['FailedInvocations', 'InvocationsFailedToBeSentToDlq']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Events',
          MetricName: metricName,
          Dimensions: [{ Name: 'RuleName', Value: { Ref: rule } }],
        });
      }
    }
    // The dead-letter queue the alarm watches is the one every forwarding target uses.
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queues[0], 'Arn'] } } })]);
    }
  });
});

describe('where alarms go', () => {
  test('alarmEmail: a topic in every region, and every alarm notifies the topic of its own stack', () => {
    const { responder, forwarders } = synthWith({ regions: REGIONS, alarmEmail: 'ops@example.com' });
    for (const stack of [responder, ...forwarders]) {
      const template = Template.fromStack(stack);
      const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
      expect([stack.stackName, topics.length]).toEqual([stack.stackName, 1]);
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topics[0] } });
      const notifying = notifyingAlarms(template);
      expect(notifying.length).toBeGreaterThanOrEqual(3);
      for (const [id, alarm] of notifying) {
        expect([stack.stackName, id, alarm.Properties.AlarmActions]).toEqual([stack.stackName, id, [{ Ref: topics[0] }]]);
      }
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('notify no one'));
    }
  });

  test('every topic the stacks create lets CloudWatch alarms of this account publish, beside the TLS-only deny', () => {
    const { responder, forwarders } = synthWith({ regions: REGIONS, alarmEmail: 'ops@example.com', driftAlarmEmail: 'drift@example.com' });
    for (const stack of [responder, ...forwarders]) {
      const template = Template.fromStack(stack);
      const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
      expect(topics.length).toBe(stack === responder ? 2 : 1);
      const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
      for (const topic of topics) {
        const policy = policies.find((p) => p.Properties.Topics.some((t: any) => t.Ref === topic))!;
        expect(policy.Properties.PolicyDocument.Statement).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            {
              Sid: 'CloudWatchAlarmsOfThisAccount',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: topic },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ]),
        );
        // Its key lets CloudWatch use it for this account's alarms.
        const keyRef = template.findResources('AWS::SNS::Topic')[topic].Properties.KmsMasterKeyId;
        const key = template.findResources('AWS::KMS::Key')[keyRef['Fn::GetAtt'][0]];
        expect(key.Properties.KeyPolicy.Statement).toContainEqual(
          expect.objectContaining({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        );
      }
    }
  });

  test("in organisation mode EventBridge may publish members' alarms to the system topic: topic policy and key", () => {
    const template = Template.fromStack(
      synthWith({ alarmEmail: 'ops@example.com', organizationId: 'o-abcdefghij', discoverMemberAccounts: true }).responder,
    );
    const [topic] = Object.keys(template.findResources('AWS::SNS::Topic'));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Effect: 'Allow' })]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
  });

  test('drift alarms may notify other topics (driftAlarmEmail / driftAlarmTopicArn); by default the same as the rest', () => {
    const drift = 'arn:aws:sns:us-east-1:111122223333:drift';
    const same = Template.fromStack(synthWith({ alarmTopicArn: HOME_TOPIC }).responder);
    const separate = Template.fromStack(synthWith({ alarmTopicArn: HOME_TOPIC, driftAlarmTopicArn: drift }).responder);
    const driftActions = (t: Template) =>
      Object.values(alarmsOf(t)).find((a) => a.Properties.MetricName === 'NewNonCompliance')!.Properties.AlarmActions;
    expect(driftActions(same)).toEqual([HOME_TOPIC]);
    expect(driftActions(separate)).toEqual([drift]);
    for (const [, alarm] of notifyingAlarms(separate)) {
      if (alarm.Properties.MetricName !== 'NewNonCompliance') expect(alarm.Properties.AlarmActions).toEqual([HOME_TOPIC]);
    }
    expect(() => synthWith({ driftAlarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:drift' })).toThrow(
      /driftAlarmTopicArn is in eu-west-1 but the home region is us-east-1/,
    );
  });

  test("the topic's key lets CloudWatch alarms of this account only use it", () => {
    const template = Template.fromStack(synthWith({ alarmEmail: 'ops@example.com' }).responder);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  test('alarmTopicArn and alarmTopicArns: existing topics, each region its own', () => {
    const { responder, forwarders } = synthWith({ regions: REGIONS, alarmTopicArn: HOME_TOPIC, alarmTopicArns: FORWARDER_TOPICS });
    for (const stack of [responder, ...forwarders]) {
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::SNS::Topic', 0);
      const expected = stack === responder ? HOME_TOPIC : FORWARDER_TOPICS[stack.region as keyof typeof FORWARDER_TOPICS];
      for (const [id, alarm] of notifyingAlarms(template)) {
        expect([stack.stackName, id, alarm.Properties.AlarmActions]).toEqual([stack.stackName, id, [expected]]);
      }
    }
  });

  test('an email and an existing topic: both are notified', () => {
    const { responder } = synthWith({ alarmEmail: 'ops@example.com', alarmTopicArn: HOME_TOPIC });
    const template = Template.fromStack(responder);
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    for (const [, alarm] of notifyingAlarms(template)) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }, HOME_TOPIC]);
  });

  test('with neither, synthesis warns for each stack whose alarms notify no one, and no alarm has an action', () => {
    const { responder, forwarders } = synthWith({ regions: REGIONS, alarmTopicArns: { 'eu-west-1': FORWARDER_TOPICS['eu-west-1'] } });
    const silent: Stack[] = [responder, forwarders.find((f) => f.region === 'ap-southeast-2')!];
    for (const stack of silent) {
      Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(`alarms of ${stack.stackName} \\(${stack.region}\\) notify no one`));
      for (const [, alarm] of notifyingAlarms(Template.fromStack(stack))) expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
    Annotations.fromStack(forwarders.find((f) => f.region === 'eu-west-1')!).hasNoWarning('*', Match.stringLikeRegexp('notify no one'));
    expect(NO_ALARM_TARGET_WARNING).toBe('meshwarden:alarmsNotifyNoOne');
  });
});

/**
 * The heartbeat, simulated hour by hour from the synthesized evaluation settings, under CloudWatch's
 * documented treatment of missing data ("Configuring how CloudWatch alarms treat missing data"):
 * Lambda publishes no Invocations datapoint for a period without invocations, so such a period is
 * missing and counts as the alarm's TreatMissingData says; an alarm is in ALARM when at least
 * DatapointsToAlarm of its last EvaluationPeriods periods breach, and INSUFFICIENT_DATA before it
 * is first evaluated.
 */
describe('the heartbeat', () => {
  const { template, settings } = synthWith({ sweepRate: 'rate(1 day)' });
  const alarms = alarmsOf(template);
  const [compositeId, composite] = Object.entries(compositesOf(template))[0];
  const input = (prefix: string) => Object.entries(alarms).find(([id]) => id.startsWith(prefix))!;
  const [silentId, silent] = input('HeartbeatSilentAlarm');
  const [weekId, week] = input('HeartbeatWeekSilentAlarm');

  type State = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

  /** A metric alarm's state at hour `now`, given the hours the function was invoked (deployed at hour 0). */
  function metricState(alarm: Resource, invocations: number[], now: number): State {
    const p = alarm.Properties;
    expect(p.Namespace).toBe('AWS/Lambda');
    expect(p.MetricName).toBe('Invocations');
    expect(p.Statistic).toBe('Sum');
    const periodHours = p.Period / 3600;
    const lastEnd = Math.floor(now / periodHours) * periodHours;
    let breaching = 0;
    for (let i = 0; i < p.EvaluationPeriods; i++) {
      const end = lastEnd - i * periodHours;
      const sum = invocations.filter((h) => h >= end - periodHours && h < end).length;
      const breaches =
        sum === 0
          ? p.TreatMissingData === 'breaching'
          : p.ComparisonOperator === 'LessThanThreshold'
            ? sum < p.Threshold
            : sum > p.Threshold;
      if (breaches) breaching++;
    }
    return breaching >= (p.DatapointsToAlarm ?? p.EvaluationPeriods) ? 'ALARM' : 'OK';
  }

  /** The composite rule with each referenced alarm's state substituted. */
  function compositeFires(states: Record<string, State>): boolean {
    const rule = composite.Properties.AlarmRule['Fn::Join'][1]
      .map((part: unknown) => (typeof part === 'string' ? part : (part as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]))
      .join('');
    const expression = rule
      .replace(/(ALARM|OK|INSUFFICIENT_DATA)\("([^"]+)"\)/g, (_: string, state: State, id: string) => String(states[id] === state))
      .replace(/\bAND\b/g, '&&')
      .replace(/\bOR\b/g, '||')
      .replace(/\bNOT\b/g, '!');
    expect(expression).toMatch(/^[()!&|\s]*(true|false)[()!&|\struefals]*$/);
    return Function(`return (${expression});`)() as boolean;
  }

  function firesAt(invocations: number[], now: number): boolean {
    return compositeFires({ [silentId]: metricState(silent, invocations, now), [weekId]: metricState(week, invocations, now) });
  }

  test('its inputs: no invocation in sweep period + 1 h, and no invocation in 7 days; missing data breaches only there', () => {
    expect(settings.heartbeatHours).toBe(25);
    expect(silent.Properties).toMatchObject({
      Period: 3600,
      EvaluationPeriods: 25,
      DatapointsToAlarm: 25,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(week.Properties).toMatchObject({
      Period: 86400,
      EvaluationPeriods: 7,
      DatapointsToAlarm: 7,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    // The inputs notify no one; the composite does. Every other alarm treats missing data as not breaching.
    expect(silent.Properties.AlarmActions).toBeUndefined();
    expect(week.Properties.AlarmActions).toBeUndefined();
    for (const [id, alarm] of Object.entries(alarms)) {
      if (!isHeartbeatInput(id)) expect([id, alarm.Properties.TreatMissingData]).toEqual([id, 'notBreaching']);
    }
    expect(composite.Properties.AlarmDescription).toMatch(/only proves the function runs, not that App Mesh, VPC Lattice and Amazon ECS Service Connect events arrive.*MissedEventsAlarm/);
    expect(compositeId).toMatch(/^Heartbeat/);
  });

  test('a fresh deployment does not fire before its first sweep, whichever input CloudWatch evaluates first', () => {
    // No invocation at all: both inputs in ALARM (missing = breaching), or not evaluated yet.
    for (const now of [0, 1, 24, 100, 24 * 7]) expect([now, firesAt([], now)]).toEqual([now, false]);
    for (const a of ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as State[]) {
      expect(compositeFires({ [silentId]: a, [weekId]: 'INSUFFICIENT_DATA' })).toBe(false);
      expect(compositeFires({ [silentId]: a, [weekId]: 'ALARM' })).toBe(false);
    }
    // First sweep a day after the deployment, then daily: quiet throughout.
    const daily = Array.from({ length: 30 }, (_, d) => 24 * (d + 1) + 0.1);
    for (let now = 0; now <= 24 * 30; now++) expect([now, firesAt(daily, now)]).toEqual([now, false]);
  });

  test('a schedule that stops fires the heartbeat within sweep period + 2 h, and for days', () => {
    const lastSweep = 24 * 5 + 0.1;
    const sweeps = Array.from({ length: 5 }, (_, d) => 24 * (d + 1) + 0.1);
    const firstAlarm = Array.from({ length: 24 * 10 }, (_, h) => h).find((h) => firesAt(sweeps, h));
    expect(firstAlarm).toBeDefined();
    expect(firstAlarm! - lastSweep).toBeGreaterThan(settings.heartbeatHours - 1);
    expect(firstAlarm! - lastSweep).toBeLessThanOrEqual(settings.heartbeatHours + 2);
    for (let h = firstAlarm!; h < lastSweep + 24 * 6; h++) expect([h, firesAt(sweeps, h)]).toEqual([h, true]);
  });

  test.each(['rate(1 hour)', 'rate(12 hours)', 'rate(4 days)'])('the heartbeat follows the sweep rate (%s)', (sweepRate) => {
    const built = synthWith({ sweepRate });
    const silentAlarm = Object.entries(alarmsOf(built.template)).find(([id]) => id.startsWith('HeartbeatSilentAlarm'))![1];
    expect(silentAlarm.Properties.EvaluationPeriods).toBe(built.settings.heartbeatHours);
    // Shorter than the 7-day memory by a day at least, so a stopped schedule is reported.
    expect(built.settings.heartbeatHours).toBeLessThanOrEqual(24 * 6);
  });
});
