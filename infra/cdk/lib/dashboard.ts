import { Aws, CfnOutput, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { FORWARDER_DEAD_LETTERS_NAME } from './forwarder-stack';
import type { ResponderStack } from './responder-stack';
import { METRIC_NAMESPACE } from './responder-stack';
import { SERVICES } from './services';
import { Settings } from './settings';

/** The dashboard's name (fixed, so the README and the stack output can name it). */
export const DASHBOARD_NAME = 'Meshwarden';
/** The responder's metrics on the dashboard, each as a total and per service (contracts: dimension `Service`). */
export const DASHBOARD_METRICS = [
  'EventsReceived',
  'Evaluations',
  'NonCompliant',
  'NewNonCompliance',
  'Exempted',
  'Reverted',
  'RevertSkipped',
  'RevertsCapped',
  'MissedEvents',
  'Errors',
] as const;
/** The values of the `Service` dimension (the engine's AwsService::as_str), one per service of lib/services.ts. */
export const METRIC_SERVICES: readonly string[] = SERVICES.map((s) => s.metricService);

export interface ResponderDashboardProps {
  readonly responder: ResponderStack;
  readonly settings: Settings;
}

/**
 * The CloudWatch dashboard of the home stack (issue 21 §2): the responder's own metrics (total and
 * per service), the function's (invocations, errors, throttles, duration p50/p99 against its
 * timeout, concurrent executions), every dead-letter queue of the home stack and of each
 * forwarder region, and the sweep queue's age. Its name and console link are stack outputs.
 */
export class ResponderDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ResponderDashboardProps) {
    super(scope, id);
    const { responder, settings } = props;
    const fn = responder.function;
    const period = Duration.minutes(5);
    const own = (metricName: string, service?: string) =>
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        statistic: 'Sum',
        period,
        ...(service ? { dimensionsMap: { Service: service }, label: service } : { label: 'all services' }),
      });
    const responderWidgets = DASHBOARD_METRICS.map(
      (name) =>
        new cloudwatch.GraphWidget({
          title: `Meshwarden ${name}`,
          left: [own(name), ...METRIC_SERVICES.map((service) => own(name, service))],
          width: 8,
        }),
    );
    const timeout = settings.timeout.toMilliseconds();
    const deadLetters = [
      { name: 'events', queue: responder.deadLetters },
      { name: 'sweep shards', queue: responder.sweep.deadLetters },
    ];
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: DASHBOARD_NAME,
      defaultInterval: Duration.days(1),
      widgets: [
        [new cloudwatch.TextWidget({ markdown: '# Meshwarden responder\nDrift, reverts and the function, per 5 minutes.', width: 24, height: 2 })],
        responderWidgets,
        [
          new cloudwatch.GraphWidget({
            title: 'Function invocations, errors, throttles',
            left: [fn.metricInvocations({ period }), fn.metricErrors({ period }), fn.metricThrottles({ period })],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Function duration (p50, p99) against the timeout',
            left: [fn.metricDuration({ period, statistic: 'p50', label: 'p50' }), fn.metricDuration({ period, statistic: 'p99', label: 'p99' })],
            leftAnnotations: [{ value: timeout, label: `timeout ${settings.timeout.toSeconds()} s`, color: cloudwatch.Color.RED }],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Function concurrent executions',
            left: [fn.metric('ConcurrentExecutions', { period, statistic: 'Maximum' })],
            leftAnnotations: [{ value: settings.reservedConcurrency, label: 'reserved concurrency' }],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Dead-letter queues (messages waiting)',
            left: [
              ...deadLetters.map(({ name, queue }) => queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: name })),
              // Each forwarder region's queue, by its fixed name (a dashboard may show other regions' metrics).
              ...settings.otherRegions.map(
                (region) =>
                  new cloudwatch.Metric({
                    namespace: 'AWS/SQS',
                    metricName: 'ApproximateNumberOfMessagesVisible',
                    dimensionsMap: { QueueName: FORWARDER_DEAD_LETTERS_NAME },
                    region,
                    period,
                    statistic: 'Maximum',
                    label: `forwarder ${region}`,
                  }),
              ),
            ],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Sweep queue: age of the oldest shard',
            left: [responder.sweep.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' })],
            width: 12,
          }),
        ],
      ],
    });
    new CfnOutput(responder, 'DashboardName', { value: DASHBOARD_NAME });
    new CfnOutput(responder, 'DashboardUrl', {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${DASHBOARD_NAME}`,
    });
  }
}
