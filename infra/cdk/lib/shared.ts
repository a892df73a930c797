import { Duration, Validations } from 'aws-cdk-lib';
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
