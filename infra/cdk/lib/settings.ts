import { Duration } from 'aws-cdk-lib';
import { MAX_ASYNC_RETRY_ATTEMPTS } from './timing';

/** Auto-revert modes, as the Lambda reads `AUTO_REVERT`. */
export type AutoRevert = 'off' | 'dry-run' | 'on';

/** Deployment settings, from CDK context (`-c key=value`). */
export interface Settings {
  /** `off` (default), `dry-run` or `on`. */
  readonly autoRevert: AutoRevert;
  /** Regions besides the home region whose App Mesh events are forwarded and swept. */
  readonly otherRegions: string[];
  /** ACM Private CA ARNs used to restore backend TLS when no compliant policy is known. */
  readonly tlsCaArns: string[];
  /** History retention in days. */
  readonly historyTtlDays: number;
  /** The sweep's schedule, an EventBridge Scheduler `rate(...)` expression. */
  readonly sweepRate: string;
  /** Hours after which no event and no sweep means something is detached. */
  readonly heartbeatHours: number;
  /** Path to the `bootstrap` zip (or a directory) for the function's code. */
  readonly lambdaCode: string;
  readonly memoryMb: number;
  readonly timeout: Duration;
  /** Lambda's retries of a failed asynchronous invocation (0 to 2); the consistency window follows. */
  readonly retryAttempts: number;
  readonly reservedConcurrency: number;
  /** Email for alarm notifications (creates an SNS topic). */
  readonly alarmEmail?: string;
  /** Create a multi-region trail recording management events. */
  readonly createTrail: boolean;
}

type Context = (key: string) => unknown;

function list(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (text.startsWith('[')) return (JSON.parse(text) as unknown[]).map(String);
  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function int(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`context ${name} must be a positive integer, got ${value}`);
  return n;
}

function intInRange(value: unknown, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`context ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return n;
}

/** Hours between sweeps, from `rate(N minute|minutes|hour|hours|day|days)`. */
export function rateHours(rate: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(rate.trim());
  if (!m) throw new Error(`context sweepRate must be rate(N unit), got ${rate}`);
  const n = Number(m[1]);
  return m[2].startsWith('minute') ? n / 60 : m[2].startsWith('hour') ? n : n * 24;
}

export const DEFAULT_LAMBDA_ZIP = '../../target/lambda/bootstrap/bootstrap.zip';

/** Read and validate the settings; a bad value stops synthesis with a message naming it. */
export function readSettings(context: Context, homeRegion: string): Settings {
  const autoRevert = String(context('autoRevert') ?? 'off');
  if (!['off', 'dry-run', 'on'].includes(autoRevert)) {
    throw new Error(`context autoRevert must be off, dry-run or on, got ${autoRevert}`);
  }
  const sweepRate = String(context('sweepRate') ?? 'rate(1 day)');
  const email = context('alarmEmail');
  return {
    autoRevert: autoRevert as AutoRevert,
    otherRegions: list(context('regions')).filter((r) => r !== homeRegion),
    tlsCaArns: list(context('tlsCaArns')),
    historyTtlDays: int(context('historyTtlDays'), 365, 'historyTtlDays'),
    sweepRate,
    heartbeatHours: Math.min(168, Math.ceil(rateHours(sweepRate)) + 1),
    lambdaCode: String(context('lambdaZip') ?? DEFAULT_LAMBDA_ZIP),
    memoryMb: int(context('memoryMb'), 256, 'memoryMb'),
    timeout: Duration.seconds(int(context('timeoutSeconds'), 120, 'timeoutSeconds')),
    retryAttempts: intInRange(context('retryAttempts'), MAX_ASYNC_RETRY_ATTEMPTS, 'retryAttempts', 0, MAX_ASYNC_RETRY_ATTEMPTS),
    reservedConcurrency: int(context('reservedConcurrency'), 10, 'reservedConcurrency'),
    alarmEmail: email ? String(email) : undefined,
    createTrail: String(context('createTrail') ?? 'false') === 'true',
  };
}
