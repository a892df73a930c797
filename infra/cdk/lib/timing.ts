import { Duration } from 'aws-cdk-lib';

/**
 * How long Lambda waits before each retry of an asynchronous invocation whose function returned
 * an error: about one minute before the first retry, about two minutes between the first and the
 * second. Lambda allows at most two retries. Source: "How Lambda handles errors and retries with
 * asynchronous invocation",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
export const ASYNC_RETRY_WAITS_SECS: readonly number[] = [60, 120];
export const MAX_ASYNC_RETRY_ATTEMPTS = ASYNC_RETRY_WAITS_SECS.length;

/**
 * How far the consistency window ends before the last attempt: the waits are "about" a minute or
 * two, and the event's age is measured from CloudTrail's `eventTime` with the function's clock.
 */
export const CONSISTENCY_MARGIN_SECS = 60;

function checkRetryAttempts(retryAttempts: number) {
  if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > MAX_ASYNC_RETRY_ATTEMPTS) {
    throw new Error(`retryAttempts must be an integer from 0 to ${MAX_ASYNC_RETRY_ATTEMPTS}, got ${retryAttempts}`);
  }
}

/**
 * The earliest time, in seconds after the first attempt, at which Lambda makes the last attempt
 * of an event that keeps failing: the sum of the waits (0 retries → 0, 1 → 60, 2 → 180). Each
 * attempt's own duration only adds to it.
 */
export function earliestLastAttemptSecs(retryAttempts: number): number {
  checkRetryAttempts(retryAttempts);
  return ASYNC_RETRY_WAITS_SECS.slice(0, retryAttempts).reduce((sum, wait) => sum + wait, 0);
}

/**
 * `MESHWARDEN_CONSISTENCY_WINDOW_SECS` for a function retried `retryAttempts` times: the earliest
 * last attempt minus the margin, never negative (2 retries → 120, 1 → 0, 0 → 0).
 *
 * The responder answers "not found" / "older version than the event says" with an error (so
 * Lambda retries) only while the event is younger than the window, and records what it sees once
 * the event is older. Ending the window before the last attempt means that attempt always
 * records: a resource created then deleted at once ends as DELETED in the table, never in the
 * dead-letter queue. With 1 retry the last attempt comes only a minute later, within the
 * margin, so the window is 0 and every attempt records what it sees; with 0 retries there is no
 * later attempt to wait for, 0 too.
 */
export function consistencyWindowSecs(retryAttempts: number): number {
  return Math.max(0, earliestLastAttemptSecs(retryAttempts) - CONSISTENCY_MARGIN_SECS);
}

/**
 * `MESHWARDEN_REVERT_LEASE_SECS`: a revert still marked in progress after the longest an
 * invocation can live (the function's timeout) was abandoned by a dead invocation.
 */
export function revertLeaseSecs(timeout: Duration): number {
  return timeout.toSeconds();
}
