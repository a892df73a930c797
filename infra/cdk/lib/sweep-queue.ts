import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './shared';

/**
 * The sweep's fan-out (docs/architecture.md, "Sweep"): the schedule's invocation sends one list
 * shard per service × account × region to the sweep queue, list shards send evaluate shards of at
 * most `sweepShardSize` resources, and the queue feeds the same function, one shard per invocation.
 */

/** Messages per invocation: each shard is one bounded invocation (the function runs a batch's shards one after the other). */
export const SWEEP_BATCH_SIZE = 1;
/**
 * Receives before SQS moves a shard to the sweep's dead-letter queue. A shard fails only on a
 * transient fault (a throttled shard sends its unfinished part back as a new shard instead), so
 * ten deliveries, each after the visibility timeout, ride out an outage of two hours at the
 * default timeout (120 s: a 12-minute visibility timeout) before the dead-letter alarm pages.
 */
export const SWEEP_MAX_RECEIVE_COUNT = 10;
/**
 * The queue's visibility timeout in function timeouts: "at least six times the timeout that you
 * configure on your function" ("Using Lambda with Amazon SQS", AWS Lambda Developer Guide), so
 * that a message is not delivered again while the event source mapping still retries a throttled
 * invocation of it.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** The lowest MaximumConcurrency an SQS event source mapping accepts. */
export const MIN_SWEEP_CONCURRENCY = 2;

/** The queue's visibility timeout for a function with `timeout`. */
export function sweepVisibilityTimeout(timeout: Duration): Duration {
  return Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * timeout.toSeconds());
}

export interface SweepQueueProps {
  /** The function's timeout. */
  readonly timeout: Duration;
}

/** The sweep queue and its dead-letter queue, both SQS-encrypted and TLS-only. */
export class SweepQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: SweepQueueProps) {
    super(scope, id);
    this.deadLetters = deadLetterQueue(this, 'DeadLetters');
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: sweepVisibilityTimeout(props.timeout),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: SWEEP_MAX_RECEIVE_COUNT },
    });
  }

  /** The statement letting the responder send shards (SendMessageBatch is authorized by sqs:SendMessage) to this queue only. */
  sendStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({ sid: 'SendSweepShards', actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] });
  }

  /**
   * Feed the queue to `fn`: one message per invocation, failed messages named in the answer
   * (`ReportBatchItemFailures`), at most `maxConcurrency` invocations at once (so the shards'
   * describes stay within the services' rates). Grants `fn` the receive, delete and visibility calls.
   */
  feed(fn: lambda.Function, maxConcurrency: number) {
    fn.addEventSource(
      new eventSources.SqsEventSource(this.queue, {
        batchSize: SWEEP_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency,
      }),
    );
  }
}
