import * as fs from 'fs';
import * as path from 'path';
import * as events from 'aws-cdk-lib/aws-events';
import { SERVICES, ServiceDefinition } from './services';

/**
 * The CloudTrail events the Rust router acts on, one file per service in `crates/rules` (named by
 * `SERVICES`): the single source of truth, checked against the router by Rust tests and against
 * the rule patterns by jest tests.
 */
export const RULES_CRATE_DIR = path.join(__dirname, '..', '..', '..', 'crates', 'rules');

/** A service's handled events, as its events file gives them. */
export interface HandledEvents {
  /** The EventBridge `source`. */
  readonly source: string;
  /** The CloudTrail `eventSource`. */
  readonly eventSource: string;
  /** "AWS API Call via CloudTrail" event names. */
  readonly apiCalls: string[];
  /** "AWS Service Event via CloudTrail" event names (none for App Mesh). */
  readonly serviceEvents: string[];
}

const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.every((n) => typeof n === 'string');
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Read and check a service's events file. */
export function handledEvents(service: ServiceDefinition): HandledEvents {
  const file = path.join(RULES_CRATE_DIR, service.eventsFile);
  const content: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const bad = (what: string) => new Error(`${file}: ${what}`);
  if (Array.isArray(content)) {
    if (!service.origin) throw bad('a bare list of names needs the service\'s origin in lib/services.ts');
    if (!isNames(content) || content.length === 0) throw bad('must be a non-empty JSON array of event names');
    return { ...service.origin, apiCalls: content, serviceEvents: [] };
  }
  const { source, eventSource, apiCalls, serviceEvents } = (content ?? {}) as Record<string, unknown>;
  if (!isName(source) || !isName(eventSource)) throw bad('needs "source" and "eventSource" strings');
  if (!isNames(apiCalls) || apiCalls.length === 0) throw bad('"apiCalls" must be a non-empty array of event names');
  if (!isNames(serviceEvents)) throw bad('"serviceEvents" must be an array of event names');
  if (service.origin && (service.origin.source !== source || service.origin.eventSource !== eventSource)) {
    throw bad(`names ${source} / ${eventSource}, lib/services.ts ${service.origin.source} / ${service.origin.eventSource}`);
  }
  return { source, eventSource, apiCalls, serviceEvents };
}

/** App Mesh's handled API calls (`crates/rules/handled-events.json`). */
export function handledEventNames(): string[] {
  return handledEvents(SERVICES.find((s) => s.eventsFile === 'handled-events.json')!).apiCalls;
}

/** One EventBridge rule's worth of a service's events. */
export interface ServiceRule {
  /** The rule's construct id: `${service.id}Changes` (API calls) or `${service.id}ServiceEvents`. */
  readonly id: string;
  readonly service: ServiceDefinition;
  /** What it matches, for descriptions ("App Mesh API calls"). */
  readonly what: string;
  /** The home rule's description. */
  readonly description: string;
  readonly eventPattern: events.EventPattern;
}

/**
 * Every service's rules: its successful API calls ("AWS API Call via CloudTrail"; a failed call
 * changed nothing, so calls with an `errorCode` are filtered here and the function is not even
 * invoked), and, when its file lists any, its service events ("AWS Service Event via CloudTrail",
 * such as VPC Lattice's cross-account `*BySharee` / `*ByOwner` events, which have no `errorCode`).
 */
export function serviceRules(): ServiceRule[] {
  return SERVICES.flatMap((service) => {
    const handled = handledEvents(service);
    const base = { source: [handled.source], detail: { eventSource: [handled.eventSource] } };
    const rules: ServiceRule[] = [
      {
        id: `${service.id}Changes`,
        service,
        what: `${service.name} API calls`,
        description: `${service.name} API calls the Meshwarden router handles (successful ones only)`,
        eventPattern: {
          ...base,
          detailType: ['AWS API Call via CloudTrail'],
          detail: { ...base.detail, ...apiCallMatch(service, handled.apiCalls), errorCode: [{ exists: false }] },
        },
      },
    ];
    if (handled.serviceEvents.length > 0) {
      rules.push({
        id: `${service.id}ServiceEvents`,
        service,
        what: `${service.name} service events`,
        description: `${service.name} service events (cross-account) the Meshwarden router handles`,
        eventPattern: { ...base, detailType: ['AWS Service Event via CloudTrail'], detail: { ...base.detail, eventName: handled.serviceEvents } },
      });
    }
    return rules;
  });
}

/**
 * The `detail` fields that select a service's API calls: `eventName` alone, or, when the service
 * has volume filters, an `$or` of the unfiltered names and each filtered name with its filter
 * ("Comparison operators for use in event patterns in Amazon EventBridge": `$or`,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 */
function apiCallMatch(service: ServiceDefinition, apiCalls: string[]): Record<string, unknown> {
  const filters = service.volumeFilters ?? {};
  const unknown = Object.keys(filters).filter((name) => !apiCalls.includes(name));
  if (unknown.length > 0) {
    throw new Error(`lib/services.ts: ${service.id} filters ${unknown.join(', ')}, which ${service.eventsFile} does not list`);
  }
  const plain = apiCalls.filter((name) => !(name in filters));
  const branches = [
    ...(plain.length > 0 ? [{ eventName: plain }] : []),
    ...Object.entries(filters).map(([name, filter]) => ({ eventName: [name], ...filter })),
  ];
  return branches.length === 1 ? branches[0] : { $or: branches };
}
