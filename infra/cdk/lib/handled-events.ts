import * as fs from 'fs';
import * as path from 'path';

/**
 * The CloudTrail event names the Rust router acts on: one source of truth,
 * `crates/rules/handled-events.json`, checked against the router by a Rust test and against the
 * rule pattern by a jest test.
 */
export const HANDLED_EVENTS_FILE = path.join(__dirname, '..', '..', '..', 'crates', 'rules', 'handled-events.json');

export function handledEventNames(): string[] {
  const names: unknown = JSON.parse(fs.readFileSync(HANDLED_EVENTS_FILE, 'utf8'));
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
    throw new Error(`${HANDLED_EVENTS_FILE} must be a non-empty JSON array of event names`);
  }
  return names as string[];
}

/** The EventBridge pattern for successful App Mesh API calls the router handles. */
export function appMeshEventPattern() {
  return {
    source: ['aws.appmesh'],
    detailType: ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['appmesh.amazonaws.com'],
      eventName: handledEventNames(),
      // Failed calls changed nothing: filter them here so the function is not even invoked.
      errorCode: [{ exists: false }],
    },
  };
}
