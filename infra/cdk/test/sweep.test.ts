import { Match, Template } from 'aws-cdk-lib/assertions';
import { SWEEP_BATCH_SIZE, SWEEP_MAX_RECEIVE_COUNT, VISIBILITY_TIMEOUT_FACTOR } from '../lib/sweep-queue';
import { synth, synthWith } from './helpers';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Effect: string };

const queueArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^SweepShardsQueue'), 'Arn'] };
const deadLettersArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^SweepShardsDeadLetters'), 'Arn'] };

function variables(template: Template): Record<string, unknown> {
  return Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
}

function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
function idOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('the sweep queue', () => {
  const { template } = synthWith({});

  test('SQS-encrypted, its visibility timeout six function timeouts, dead-lettered after ten receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: VISIBILITY_TIMEOUT_FACTOR * 120,
      RedrivePolicy: { deadLetterTargetArn: deadLettersArn, maxReceiveCount: SWEEP_MAX_RECEIVE_COUNT },
    });
    expect(SWEEP_MAX_RECEIVE_COUNT).toBe(10);
    expect(VISIBILITY_TIMEOUT_FACTOR).toBe(6);
  });

  test('the visibility timeout follows the function timeout', () => {
    const { template: longer } = synthWith({ timeoutSeconds: 300 });
    longer.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 1800, RedrivePolicy: Match.anyValue() });
  });

  test('its dead-letter queue is SQS-encrypted and keeps shards 14 days', () => {
    const id = idOf(template, 'AWS::SQS::Queue', 'SweepShardsDeadLetters');
    expect(template.findResources('AWS::SQS::Queue')[id].Properties).toEqual({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
  });

  test.each(['SweepShardsQueue', 'SweepShardsDeadLetters'])('%s refuses requests without TLS', (prefix) => {
    const id = idOf(template, 'AWS::SQS::Queue', prefix);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('the event source mapping', () => {
  test('feeds the responder one shard per invocation, reports batch item failures, at most sweepConcurrency at once', () => {
    const { template } = synthWith({});
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as Resource[];
    expect(mappings).toHaveLength(1);
    expect(mappings[0].Properties).toEqual({
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^SweepShardsQueue/), 'Arn'] },
      FunctionName: { Ref: expect.stringMatching(/^Responder/) },
      BatchSize: SWEEP_BATCH_SIZE,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  test('sweepConcurrency sets the maximum concurrency', () => {
    const { template } = synth({ sweepConcurrency: '5' });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 5 } });
  });

  test("below AWS's minimum of 2, or not below reservedConcurrency, stops synthesis", () => {
    expect(() => synth({ sweepConcurrency: '1' })).toThrow(/sweepConcurrency must be an integer from 2 to 1000, got "1"/);
    expect(() => synthWith({ sweepConcurrency: 10 })).toThrow(/sweepConcurrency \(10\) must be below reservedConcurrency \(10\)/);
    expect(() => synthWith({ sweepConcurrency: 20, reservedConcurrency: 21 })).not.toThrow();
  });
});

describe('permissions', () => {
  const { template } = synthWith({});

  test('the responder may send to the sweep queue (SendMessageBatch is sqs:SendMessage), and to nothing else but its dead-letter queue', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Sid: 'SendSweepShards', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn }]),
      },
    });
    const queueId = idOf(template, 'AWS::SQS::Queue', 'SweepShardsQueue');
    const deadLettersId = idOf(template, 'AWS::SQS::Queue', 'DeadLetters');
    const sending = statements(template).filter((s) => [s.Action].flat().includes('sqs:SendMessage'));
    for (const statement of sending) {
      expect([{ 'Fn::GetAtt': [queueId, 'Arn'] }, { 'Fn::GetAtt': [deadLettersId, 'Arn'] }]).toContainEqual(statement.Resource);
    }
  });

  test('receiving and deleting shards is granted on the sweep queue only', () => {
    const queueId = idOf(template, 'AWS::SQS::Queue', 'SweepShardsQueue');
    const consuming = statements(template).filter((s) => [s.Action].flat().some((a) => ['sqs:ReceiveMessage', 'sqs:DeleteMessage'].includes(a)));
    expect(consuming).toHaveLength(1);
    expect(consuming[0].Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    expect([consuming[0].Action].flat()).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
  });
});

describe('the function', () => {
  test('knows its sweep queue and shard size; covers no member account without memberAccounts', () => {
    const { template } = synthWith({ sweepShardSize: 25 });
    const vars = variables(template);
    expect(vars.MESHWARDEN_SWEEP_QUEUE_URL).toEqual({ Ref: expect.stringMatching(/^SweepShardsQueue/) });
    expect(vars.MESHWARDEN_SWEEP_SHARD_SIZE).toBe('25');
    expect(vars.MESHWARDEN_SWEEP_ACCOUNTS).toBeUndefined();
    expect(variables(synthWith({}).template).MESHWARDEN_SWEEP_SHARD_SIZE).toBe('50');
  });

  test('sweeps the member accounts of the settings, with or without an organisation id', () => {
    const accounts = ['444455556666', '777788889999'];
    for (const settings of [{ memberAccounts: accounts, memberExternalId: 'meshwarden-hub-1' }, { memberAccounts: accounts, organizationId: 'o-abcdefghij' }]) {
      const vars = variables(synthWith(settings).template);
      expect(vars.MESHWARDEN_SWEEP_ACCOUNTS).toBe('444455556666,777788889999');
      expect(vars.MESHWARDEN_MEMBER_ROLE_NAME).toBe('meshwarden-member');
    }
    expect(variables(synthWith({ organizationId: 'o-abcdefghij', discoverMemberAccounts: true }).template).MESHWARDEN_SWEEP_ACCOUNTS).toBeUndefined();
  });
});

describe('the sweep dead-letter queue', () => {
  test('alarms on any shard in it, notifying like every other alarm, and its ARN is an output for the redrive', () => {
    const { template } = synthWith({ alarmEmail: 'ops@example.com' });
    const id = idOf(template, 'AWS::SQS::Queue', 'SweepShardsDeadLetters');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
      AlarmDescription: Match.stringLikeRegexp('start-message-move-task'),
    });
    template.hasOutput('SweepDeadLetterQueueArn', { Value: { 'Fn::GetAtt': [id, 'Arn'] } });
    template.hasOutput('SweepQueueUrl', { Value: { Ref: idOf(template, 'AWS::SQS::Queue', 'SweepShardsQueue') } });
  });
});
