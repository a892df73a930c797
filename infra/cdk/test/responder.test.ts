import { Match, Template } from 'aws-cdk-lib/assertions';
import { handledEventNames } from '../lib/handled-events';
import { TABLE_ACTIONS } from '../lib/responder-stack';
import { APPMESH_UPDATE_ACTIONS as UPDATE_ACTIONS } from '../lib/services';
import { CONSISTENCY_MARGIN_SECS, consistencyWindowSecs, earliestLastAttemptSecs } from '../lib/timing';
import { grantedActions, synth } from './helpers';

describe('the EventBridge rule', () => {
  test('subscribes to exactly the events the Rust router handles, successful calls only', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.appmesh'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['appmesh.amazonaws.com'],
          eventName: handledEventNames(),
          errorCode: [{ exists: false }],
        },
      },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 } })],
    });
  });

  test('the router list is the handled-events.json file the Rust test checks', () => {
    expect(handledEventNames()).toEqual(expect.arrayContaining(['UpdateMesh', 'UpdateVirtualGateway', 'TagResource']));
    expect([...handledEventNames()].sort()).toEqual(handledEventNames());
  });
});

describe('least privilege', () => {
  test('auto-revert off grants no Update*', () => {
    const actions = grantedActions(synth({ autoRevert: 'off' }).template);
    expect(actions.filter((a) => a.startsWith('appmesh:Update'))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['appmesh:DescribeMesh', 'appmesh:DescribeVirtualGateway', 'appmesh:ListMeshes']));
  });

  test('dry-run records what it would change and needs no Update* either', () => {
    const actions = grantedActions(synth({ autoRevert: 'dry-run' }).template);
    expect(actions.filter((a) => a.startsWith('appmesh:Update'))).toEqual([]);
  });

  test('auto-revert on grants Update* on this account\'s meshes in the listed regions only', () => {
    const { template } = synth({ autoRevert: 'on', regions: '["eu-west-1"]' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'RevertMeshResources',
            Action: UPDATE_ACTIONS,
            Resource: [
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':appmesh:us-east-1:', { Ref: 'AWS::AccountId' }, ':mesh/*']] },
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':appmesh:eu-west-1:', { Ref: 'AWS::AccountId' }, ':mesh/*']] },
            ],
          }),
        ]),
      },
    });
  });

  test('DynamoDB actions name the table and its index, nothing wider', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ComplianceTable',
            Action: TABLE_ACTIONS,
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'Arn'] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'Arn'] }, '/index/nonCompliant']] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'Arn'] }, '/index/live']] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'Arn'] }, '/index/exemptions']] },
            ],
          }),
        ]),
      },
    });
    const wildcard = grantedActions(template).filter((a) => a.includes('*'));
    expect(wildcard).toEqual([]);
  });

  test('every DynamoDB call the responder makes is authorized on the table and its index', () => {
    // The IAM actions that authorize each call ("Using IAM with DynamoDB transactions": a
    // transaction's Put and Update need PutItem and UpdateItem — the responder makes no
    // ConditionCheck; no dynamodb:TransactWriteItems action exists).
    const authorizedBy: Record<string, string[]> = {
      GetItem: ['dynamodb:GetItem'],
      PutItem: ['dynamodb:PutItem'],
      UpdateItem: ['dynamodb:UpdateItem'],
      TransactWriteItems: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      BatchWriteItem: ['dynamodb:BatchWriteItem'],
      Query: ['dynamodb:Query'],
    };
    const { template } = synth();
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
    const table = statements.filter((st) => st.Sid === 'ComplianceTable');
    expect(table).toHaveLength(1);
    expect(table[0].Effect).toBe('Allow');
    expect(table[0].Resource).toHaveLength(4);
    expect(JSON.stringify(table[0].Resource[1])).toContain('/index/nonCompliant');
    expect(JSON.stringify(table[0].Resource[2])).toContain('/index/live');
    expect(JSON.stringify(table[0].Resource[3])).toContain('/index/exemptions');
    expect(table[0].Action).not.toContain('dynamodb:ConditionCheckItem');
    for (const [call, actions] of Object.entries(authorizedBy)) {
      expect([call, table[0].Action]).toEqual([call, expect.arrayContaining(actions)]);
    }
    expect(grantedActions(template)).not.toContain('dynamodb:TransactWriteItems');
  });

  test('an unknown auto-revert mode stops synthesis', () => {
    expect(() => synth({ autoRevert: 'yes' })).toThrow(/autoRevert must be off, dry-run or on/);
  });
});

describe('the table', () => {
  // History items and the hourly CAP# revert counters expire through `expiresAt`.
  test('on demand, point-in-time recovery, encrypted, TTL, sparse index, retained', () => {
    const { template } = synth();
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        TableName: 'meshwarden',
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'nonCompliant',
            KeySchema: [{ AttributeName: 'nonCompliant', KeyType: 'HASH' }, { AttributeName: 'pk', KeyType: 'RANGE' }],
          }),
          Match.objectLike({
            IndexName: 'live',
            KeySchema: [{ AttributeName: 'scope', KeyType: 'HASH' }, { AttributeName: 'pk', KeyType: 'RANGE' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          }),
          Match.objectLike({
            IndexName: 'exemptions',
            KeySchema: [{ AttributeName: 'exemption', KeyType: 'HASH' }, { AttributeName: 'pk', KeyType: 'RANGE' }],
          }),
        ],
      },
    });
  });
});

describe('the function', () => {
  test('arm64 provided.al2023 with its configuration, reserved concurrency and its own role for the loop guard', () => {
    const { template } = synth({ tlsCaArns: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x', regions: 'eu-west-1' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Architectures: ['arm64'],
      Handler: 'bootstrap',
      ReservedConcurrentExecutions: 10,
      Environment: {
        Variables: {
          AUTO_REVERT: 'off',
          MESHWARDEN_TABLE: { Ref: Match.stringLikeRegexp('^Table') },
          MESHWARDEN_TLS_CA_ARNS: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x',
          MESHWARDEN_HISTORY_TTL_DAYS: '365',
          MESHWARDEN_OWN_ROLE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Role'), 'Arn'] },
          MESHWARDEN_REGIONS: 'us-east-1,eu-west-1',
          MESHWARDEN_CONSISTENCY_WINDOW_SECS: '120',
          MESHWARDEN_REVERT_LEASE_SECS: '120',
          MESHWARDEN_SECURITY_HUB: 'off',
          RUST_LOG: 'info',
        },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  test('failed async invocations land in the encrypted dead-letter queue', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetters'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
  });

  test('the sweep is scheduled with a payload the router reads as a sweep', () => {
    const { template } = synth({ sweepRate: 'rate(12 hours)' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(12 hours)',
      Target: Match.objectLike({
        Input: Match.serializedJson({
          version: '0',
          id: '<aws.scheduler.execution-id>',
          'detail-type': 'Scheduled Event',
          source: 'meshwarden.sweep',
          time: '<aws.scheduler.scheduled-time>',
          detail: {},
        }),
      }),
    });
  });
});

describe('retries, consistency window and revert lease', () => {
  /**
   * The earliest second after the first attempt at which Lambda makes the last one, per AWS
   * ("How Lambda handles errors and retries with asynchronous invocation": about 1 minute before
   * the first retry, about 2 minutes between the first and the second). Written out here, not
   * computed, so that the code's table is checked against the documentation.
   */
  const DOCUMENTED_LAST_ATTEMPT_SECS: Record<number, number> = { 0: 0, 1: 60, 2: 180 };

  function asyncConfig(template: Template) {
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
    expect(configs).toHaveLength(1);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(1);
    const variables = functions[0].Properties.Environment.Variables;
    return {
      retryAttempts: configs[0].Properties.MaximumRetryAttempts as number,
      timeout: functions[0].Properties.Timeout as number,
      windowSecs: Number(variables.MESHWARDEN_CONSISTENCY_WINDOW_SECS),
      leaseSecs: Number(variables.MESHWARDEN_REVERT_LEASE_SECS),
    };
  }

  test('the code knows the documented retry delays', () => {
    for (const [retries, secs] of Object.entries(DOCUMENTED_LAST_ATTEMPT_SECS)) {
      expect(earliestLastAttemptSecs(Number(retries))).toBe(secs);
    }
    expect([0, 1, 2].map(consistencyWindowSecs)).toEqual([0, 0, 120]);
    for (const bad of [-1, 1.5, 3]) expect(() => consistencyWindowSecs(bad)).toThrow(/from 0 to 2/);
  });

  test.each([[{}], [{ retryAttempts: '2' }], [{ retryAttempts: '1' }], [{ retryAttempts: '0' }]])(
    'the window closes before the last attempt, with a margin (%j)',
    (context) => {
      const { retryAttempts, windowSecs } = asyncConfig(synth(context).template);
      expect(retryAttempts).toBe(Number((context as { retryAttempts?: string }).retryAttempts ?? 2));
      expect(windowSecs).toBe(consistencyWindowSecs(retryAttempts));
      const lastAttempt = DOCUMENTED_LAST_ATTEMPT_SECS[retryAttempts];
      if (windowSecs > 0) {
        // The responder retries while age < window; the last attempt sees age >= lastAttempt.
        expect(windowSecs).toBeLessThan(lastAttempt);
        expect(lastAttempt - windowSecs).toBeGreaterThanOrEqual(CONSISTENCY_MARGIN_SECS);
      } else {
        // A 0-second window makes no event fresh: every attempt records what it sees.
        expect(windowSecs).toBe(0);
      }
    },
  );

  test('the default is two retries and a two-minute window', () => {
    expect(asyncConfig(synth().template)).toMatchObject({ retryAttempts: 2, windowSecs: 120 });
  });

  test('a retry count Lambda does not allow stops synthesis', () => {
    expect(() => synth({ retryAttempts: '3' })).toThrow(/retryAttempts must be an integer from 0 to 2/);
  });

  test.each([[{}], [{ timeoutSeconds: '300' }]])('the revert lease is the function timeout (%j)', (context) => {
    const { timeout, leaseSecs } = asyncConfig(synth(context).template);
    expect(timeout).toBe(Number((context as { timeoutSeconds?: string }).timeoutSeconds ?? 120));
    expect(leaseSecs).toBe(timeout);
  });
});

describe('every region, one deployment', () => {
  test('each other region forwards the same events to the home bus', () => {
    const { forwarders } = synth({ regions: '["us-east-1","eu-west-1","ap-southeast-2"]' });
    expect(forwarders.map((f) => f.region)).toEqual(['eu-west-1', 'ap-southeast-2']);
    for (const forwarder of forwarders) {
      const template = Template.fromStack(forwarder);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ detail: Match.objectLike({ eventName: handledEventNames() }) }),
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:', { Ref: 'AWS::AccountId' }, ':event-bus/default']] },
          }),
        ],
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [Match.objectLike({ Action: 'events:PutEvents' })] },
      });
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['off', {}],
    [
      'on, every option',
      { autoRevert: 'on', regions: '["eu-west-1"]', alarmEmail: 'ops@example.com', createTrail: 'true', securityHub: 'true' },
    ],
    [
      'existing alarm topics',
      {
        regions: '["eu-west-1"]',
        alarmTopicArn: 'arn:aws:sns:us-east-1:111122223333:chatbot',
        alarmTopicArns: '{"eu-west-1":"arn:aws:sns:eu-west-1:111122223333:chatbot"}',
      },
    ],
  ])('has no unacknowledged finding (%s)', (_name, context) => {
    const { app } = synth(context);
    expect(() => app.synth()).not.toThrow();
  });
});
