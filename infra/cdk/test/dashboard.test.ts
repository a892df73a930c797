import { Template } from 'aws-cdk-lib/assertions';
import { DASHBOARD_METRICS, DASHBOARD_NAME, METRIC_SERVICES } from '../lib/dashboard';
import { FORWARDER_DEAD_LETTERS_NAME } from '../lib/forwarder-stack';
import { synthWith } from './helpers';

type Widget = { type: string; properties: { title?: string; metrics?: unknown[][]; annotations?: { horizontal?: { value: number; label: string }[] } } };

/**
 * The dashboard body, parsed: CloudFormation gets it as an Fn::Join of strings and tokens; the
 * tokens (queue names, the function's name, the region) are put back as `{ref:ID}` strings.
 */
function dashboard(template: Template): { name: string; widgets: Widget[] } {
  const [resource] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = resource.Properties.DashboardBody;
  const text =
    typeof body === 'string'
      ? body
      : (body['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : `{ref:${JSON.stringify(part).replace(/"/g, "'")}}`)).join('');
  return { name: resource.Properties.DashboardName, widgets: JSON.parse(text).widgets };
}

const built = synthWith({ timeoutSeconds: 90, reservedConcurrency: 12, regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] });
const { name, widgets } = dashboard(built.template);
const titled = (title: string) => widgets.find((w) => w.properties.title === title)!;
/** A metric line's namespace, name and dimensions (the options object at the end dropped). */
const lines = (w: Widget) => w.properties.metrics!.map((m) => m.filter((x) => typeof x === 'string'));

describe('the dashboard (home stack)', () => {
  test('is named Meshwarden; its name and console link are stack outputs', () => {
    expect(name).toBe(DASHBOARD_NAME);
    const outputs = built.template.toJSON().Outputs;
    expect(outputs.DashboardName.Value).toBe(DASHBOARD_NAME);
    expect(JSON.stringify(outputs.DashboardUrl.Value)).toContain('console.aws.amazon.com/cloudwatch/home?region=');
    expect(JSON.stringify(outputs.DashboardUrl.Value)).toContain(`#dashboards/dashboard/${DASHBOARD_NAME}`);
  });

  test.each([...DASHBOARD_METRICS])("the responder's %s: total and one line per Service", (metric) => {
    const widget = titled(`Meshwarden ${metric}`);
    expect(lines(widget)).toEqual([
      ['Meshwarden', metric],
      ...METRIC_SERVICES.map((service) => ['Meshwarden', metric, 'Service', service]),
    ]);
  });

  test('every responder metric of the brief is there', () => {
    expect([...DASHBOARD_METRICS].sort()).toEqual(
      ['Evaluations', 'NonCompliant', 'NewNonCompliance', 'Reverted', 'RevertSkipped', 'RevertsCapped', 'Exempted', 'MissedEvents', 'Errors', 'EventsReceived'].sort(),
    );
    expect([...METRIC_SERVICES]).toEqual(['appmesh', 'vpc-lattice', 'ecs']);
  });

  test("the function's invocations, errors, throttles, concurrency, and duration p50/p99 against the timeout", () => {
    const fn = (w: Widget) => lines(w).map((l) => [l[0], l[1]]);
    expect(fn(titled('Function invocations, errors, throttles'))).toEqual([
      ['AWS/Lambda', 'Invocations'],
      ['AWS/Lambda', 'Errors'],
      ['AWS/Lambda', 'Throttles'],
    ]);
    const duration = titled('Function duration (p50, p99) against the timeout');
    expect(duration.properties.metrics!.map((m) => [m[1], (m[m.length - 1] as { stat: string }).stat])).toEqual([
      ['Duration', 'p50'],
      ['Duration', 'p99'],
    ]);
    expect(duration.properties.annotations!.horizontal).toEqual([expect.objectContaining({ value: 90_000, label: 'timeout 90 s' })]);
    const concurrency = titled('Function concurrent executions');
    expect(fn(concurrency)).toEqual([['AWS/Lambda', 'ConcurrentExecutions']]);
    expect(concurrency.properties.annotations!.horizontal).toEqual([expect.objectContaining({ value: 12 })]);
  });

  test("every dead-letter queue of the stack, and the sweep queue's oldest message", () => {
    const queues = Object.keys(built.template.findResources('AWS::SQS::Queue'));
    const deadLetterQueues = queues.filter((q) => /DeadLetters/.test(q));
    const depth = titled('Dead-letter queues (messages waiting)');
    expect(lines(depth).map((l) => l.slice(0, 2))).toEqual(
      [...deadLetterQueues, 'eu-west-1', 'ap-southeast-2'].map(() => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible']),
    );
    const home = depth.properties.metrics!.slice(0, deadLetterQueues.length);
    for (const q of deadLetterQueues) expect(JSON.stringify(home)).toContain(q);
    // Then each forwarder region's queue, by the name its stack gives it.
    const forwarders = depth.properties.metrics!.slice(deadLetterQueues.length);
    expect(forwarders).toEqual(
      ['eu-west-1', 'ap-southeast-2'].map((region) => [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        'QueueName',
        FORWARDER_DEAD_LETTERS_NAME,
        expect.objectContaining({ region, stat: 'Maximum' }),
      ]),
    );
    for (const forwarder of built.forwarders) {
      Template.fromStack(forwarder).hasResourceProperties('AWS::SQS::Queue', { QueueName: FORWARDER_DEAD_LETTERS_NAME });
    }
    const age = titled('Sweep queue: age of the oldest shard');
    expect(lines(age).map((l) => l.slice(0, 2))).toEqual([['AWS/SQS', 'ApproximateAgeOfOldestMessage']]);
    expect(JSON.stringify(age.properties.metrics)).toMatch(/SweepShardsQueue/);
  });
});
