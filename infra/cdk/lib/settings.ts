import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { MAX_ASYNC_RETRY_ATTEMPTS } from './timing';
import { serviceNames } from './services';

/** Auto-revert modes, as the Lambda reads `AUTO_REVERT`. */
export type AutoRevert = 'off' | 'dry-run' | 'on';

/** The directory of the CDK app (`infra/cdk`): relative paths in the settings are resolved from it. */
export const CDK_DIR = path.join(__dirname, '..');
/** The committed settings file; `-c settingsFile=PATH` reads another one. */
export const SETTINGS_FILE = path.join(CDK_DIR, 'meshwarden.settings.json');
/** Its JSON schema (generated from `SETTINGS` by `npm run settings-schema`, checked by a test). */
export const SCHEMA_FILE = path.join(CDK_DIR, 'meshwarden.settings.schema.json');
export const DEFAULT_LAMBDA_ZIP = '../../target/lambda/bootstrap/bootstrap.zip';

/** The longest sweep period: the heartbeat must fire well inside CloudWatch's 7-day evaluation range. */
export const MAX_SWEEP_HOURS = 96;

/** Deployment settings, resolved from the settings file and `-c key=value` overrides. */
export interface Settings {
  /** The account the stacks deploy to, and where it came from. */
  readonly account: string;
  readonly accountSource: 'settings' | 'credentials';
  /** The responder's region: `homeRegion`, else the first of `regions`. */
  readonly homeRegion: string;
  /** `off` (default), `dry-run` or `on`. */
  readonly autoRevert: AutoRevert;
  /** Regions besides the home region whose events (every service's) are forwarded and swept. */
  readonly otherRegions: string[];
  /** ACM Private CA ARNs used to restore backend TLS when no compliant policy is known. */
  readonly tlsCaArns: string[];
  /** The IAM roles a revert may pass to Amazon ECS for Service Connect TLS (MESHWARDEN_ECS_TLS_ROLE_ARNS, iam:PassRole). */
  readonly ecsServiceConnectTlsRoleArns: string[];
  /** History retention in days. */
  readonly historyTtlDays: number;
  /** The sweep's schedule, an EventBridge Scheduler `rate(...)` expression. */
  readonly sweepRate: string;
  /** Hours after which no event and no sweep means something is detached. */
  readonly heartbeatHours: number;
  /** Path to the `bootstrap` zip (or a directory) for the function's code (absolute). */
  readonly lambdaCode: string;
  readonly memoryMb: number;
  readonly timeout: Duration;
  /** Lambda's retries of a failed asynchronous invocation (0 to 2); the consistency window follows. */
  readonly retryAttempts: number;
  readonly reservedConcurrency: number;
  /** Most sweep shards running at once (the sweep queue's event source mapping's MaximumConcurrency). */
  readonly sweepConcurrency: number;
  /** Resources per evaluate shard of the sweep (MESHWARDEN_SWEEP_SHARD_SIZE). */
  readonly sweepShardSize: number;
  /** Email for alarm notifications (an SNS topic subscribed to it in every region). */
  readonly alarmEmail?: string;
  /** An existing SNS topic in the home region that the home stack's alarms notify. */
  readonly alarmTopicArn?: string;
  /** Existing SNS topics, by region, that each forwarder stack's alarms notify. */
  readonly alarmTopicArns: Record<string, string>;
  /** Send findings to AWS Security Hub (`MESHWARDEN_SECURITY_HUB=on`). */
  readonly securityHub: boolean;
  /** Create a multi-region trail recording management events. */
  readonly createTrail: boolean;
  /** Organisation mode: the organisation whose accounts (running the member template) send events to the hub. */
  readonly organizationId?: string;
  /** Organisation mode without an organisation id: the member accounts that send events to the hub. */
  readonly memberAccounts: string[];
  /** Days the optional trail's logs (and the access logs of its bucket) are kept. */
  readonly trailRetentionDays: number;
  /** Email for drift alarms (new non-compliance); absent: the system alarms' targets. */
  readonly driftAlarmEmail?: string;
  /** An existing SNS topic in the home region for drift alarms; absent: the system alarms' targets. */
  readonly driftAlarmTopicArn?: string;
  /** Tag keys every resource must carry (MESHWARDEN_REQUIRED_TAG_KEYS); `[]`: any tag; absent: the rule is off. */
  readonly requiredTagKeys?: string[];
  /** Reverts per resource and hour before the cap stops them (MESHWARDEN_MAX_REVERTS_PER_HOUR). */
  readonly maxRevertsPerHour: number;
  /** The IP preference meshes must have (MESHWARDEN_MESH_IP_PREFERENCE); absent: the rule is not applicable. */
  readonly meshIpPreference?: string;
  /** The IP preference virtual nodes' discovery must have (MESHWARDEN_NODE_IP_PREFERENCE). */
  readonly nodeIpPreference?: string;
  /** The external id the hub passes on every AssumeRole into a member (MESHWARDEN_MEMBER_EXTERNAL_ID). */
  readonly memberExternalId?: string;
  /** Days the function's log group keeps its logs. */
  readonly logRetentionDays: number;
  /** Add the organisation's ACTIVE accounts to the sweep (MESHWARDEN_DISCOVER_ACCOUNTS=organizations). */
  readonly discoverMemberAccounts: boolean;
  /** The tag key whose value lists a resource's exempted rule ids (MESHWARDEN_EXEMPTION_TAG_KEY); absent: off. */
  readonly exemptionTagKey?: string;
}

type Kind = 'string' | 'boolean' | 'integer' | 'stringList' | 'stringMap';

interface Spec {
  readonly kind: Kind;
  readonly description: string;
  /** The value when the key is absent (documented in the schema). */
  readonly default?: unknown;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  /** For a stringList: the pattern of each entry (in the schema; `check` validates it). */
  readonly itemPattern?: string;
  /** For an integer: the only values accepted (in the schema as `enum`). */
  readonly values?: readonly number[];
  /** A check of the parsed value beyond its type: a message naming what is wrong, or undefined. */
  readonly check?: (value: never) => string | undefined;
}

const REGION_PATTERN = '^[a-z]{2}(-[a-z]+)+-[0-9]$';
const ACCOUNT_PATTERN = '^[0-9]{12}$';
const SNS_TOPIC_PATTERN = '^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:[A-Za-z0-9_-]{1,256}$';
const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';
/**
 * A tag key: 1 to 128 letters, digits, spaces and `_ . : / = + - @`, not starting with `aws:`
 * (reserved). Commas are not tag characters, so a comma-separated variable can carry several.
 */
const TAG_KEY_PATTERN = '^(?!aws:)[A-Za-z0-9 _.:/=+@-]{1,128}$';
/**
 * An IAM role ARN: `arn:PARTITION:iam::ACCOUNT:role/` then the role's path and name (letters,
 * digits and `+ = , . @ _ -`, the path's `/`; "IAM identifiers",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html). No `*`: a
 * PassRole grant names each role.
 */
const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$';
/** App Mesh's IP preferences (`MeshServiceDiscovery.ipPreference`, a virtual node's DNS / Cloud Map `ipPreference`). */
export const IP_PREFERENCES = ['IPv4_ONLY', 'IPv4_PREFERRED', 'IPv6_ONLY', 'IPv6_PREFERRED'] as const;
/** STS's ExternalId: 2 to 1,224 characters of `[\w+=,.@:/-]` (AssumeRole API reference). */
const EXTERNAL_ID_PATTERN = '^[A-Za-z0-9_+=,.@:/-]{2,1224}$';
/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy `retentionInDays`). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** Most reverts per resource and hour the engine accepts (a u32). */
const MAX_REVERTS_PER_HOUR = 4294967295;

/**
 * The check of a list setting whose entries each match `pattern`, each at most once: a message
 * naming the key and the entries that are not `what` (shown by `show`), or those listed twice.
 */
function entriesCheck(key: string, pattern: string, what: string, show: (entry: string) => string = (entry) => entry) {
  return (value: string[]): string | undefined => {
    const bad = value.filter((entry) => !new RegExp(pattern).test(entry));
    if (bad.length > 0) return `${key} has entries that are not ${what}: ${bad.map(show).join(', ')}`;
    const twice = value.filter((entry, i) => value.indexOf(entry) !== i);
    return twice.length > 0 ? `${key} lists ${[...new Set(twice)].join(', ')} more than once` : undefined;
  };
}

/** Every setting the app reads: its type, default and meaning. The file, `-c` and the schema follow it. */
export const SETTINGS: Readonly<Record<string, Spec>> = {
  account: {
    kind: 'string',
    pattern: '^[0-9]{12}$',
    description:
      'The AWS account to deploy to. Absent: the account the credentials resolve to (the CDK CLI sets CDK_DEFAULT_ACCOUNT); with neither, synthesis stops. Setting it makes a deployment with credentials of another account fail instead of landing there.',
  },
  homeRegion: {
    kind: 'string',
    pattern: REGION_PATTERN,
    description:
      "The region of the responder (table, function, rule, schedule). Absent: the first entry of regions. Never the shell's AWS_REGION.",
  },
  regions: {
    kind: 'stringList',
    itemPattern: REGION_PATTERN,
    description:
      `Every region whose ${serviceNames()} resources are evaluated: the home region gets the responder, each other one a forwarder stack. The sweep and the IAM permissions cover exactly these.`,
    check: entriesCheck('regions', REGION_PATTERN, 'region names'),
  },
  autoRevert: {
    kind: 'string',
    enum: ['off', 'dry-run', 'on'],
    default: 'off',
    description: '"off" records compliance, "dry-run" also records what it would change, "on" reverts drift. appmesh:Update* is granted only with "on".',
  },
  alarmEmail: {
    kind: 'string',
    pattern: EMAIL_PATTERN,
    description:
      'An email address every alarm notifies: a KMS-encrypted SNS topic subscribed to it is created in each region (one confirmation email per region). Drift alarms too, unless driftAlarmEmail or driftAlarmTopicArn is set.',
  },
  driftAlarmEmail: {
    kind: 'string',
    pattern: EMAIL_PATTERN,
    description:
      'An email address for the drift alarm (new non-compliance) only, in the home region: its own KMS-encrypted SNS topic. Absent (and no driftAlarmTopicArn): the drift alarm notifies the system alarms\' targets.',
  },
  driftAlarmTopicArn: {
    kind: 'string',
    pattern: SNS_TOPIC_PATTERN,
    description:
      'An existing SNS topic in the home region for the drift alarm (new non-compliance) only. Its policy must let cloudwatch.amazonaws.com publish. Absent (and no driftAlarmEmail): the system alarms\' targets.',
  },
  alarmTopicArn: {
    kind: 'string',
    pattern: SNS_TOPIC_PATTERN,
    description:
      "An existing SNS topic in the home region that the home stack's alarms notify (for example the team's chatbot topic). Its policy must let cloudwatch.amazonaws.com publish, and its key (if any) let CloudWatch use it.",
  },
  alarmTopicArns: {
    kind: 'stringMap',
    description:
      "Existing SNS topics, by region, for the forwarder stacks' alarms: an alarm notifies a topic of its own region only, so each other region needs its own.",
  },
  securityHub: {
    kind: 'boolean',
    default: false,
    description:
      'Send findings to AWS Security Hub (MESHWARDEN_SECURITY_HUB=on) and grant securityhub:BatchImportFindings on the default product and securityhub:BatchUpdateFindings (suppressing exempted findings) on the hub of this account in the listed regions.',
  },
  createTrail: {
    kind: 'boolean',
    default: false,
    description:
      'Create a multi-region trail recording write management events, into a KMS-encrypted, versioned, access-logged bucket. Needed only when no trail records them already.',
  },
  trailRetentionDays: {
    kind: 'integer',
    default: 365,
    minimum: 1,
    description: "Days the trail's log files (and its bucket's access logs) are kept; only with createTrail.",
  },
  organizationId: {
    kind: 'string',
    pattern: '^o-[a-z0-9]{10,32}$',
    description:
      "Organisation mode: the AWS Organizations id (o-...) whose accounts run the member template. The hub's member bus (meshwarden-members) accepts events only from their forwarding roles (aws:PrincipalOrgID and aws:PrincipalArn) and the responder may assume their role meshwarden-member (MESHWARDEN_MEMBER_ROLE_NAME). Needs memberAccounts or discoverMemberAccounts, so that the sweep covers the accounts.",
  },
  memberAccounts: {
    kind: 'stringList',
    itemPattern: ACCOUNT_PATTERN,
    default: [],
    description:
      "The member accounts (running the member template) the sweep covers besides the hub's own (MESHWARDEN_SWEEP_ACCOUNTS). Without organizationId they are also organisation mode (and need memberExternalId): the hub's member bus accepts their forwarding roles' events and the responder may assume their role meshwarden-member. With organizationId the organisation decides who may send events and be assumed; list its accounts here, or set discoverMemberAccounts, for the sweep to cover them.",
    check: entriesCheck('memberAccounts', ACCOUNT_PATTERN, '12-digit account ids'),
  },
  memberExternalId: {
    kind: 'string',
    pattern: EXTERNAL_ID_PATTERN,
    description:
      "The external id the hub passes (sts:ExternalId) on every AssumeRole into a member account (MESHWARDEN_MEMBER_EXTERNAL_ID): give each member stack the same value as its ExternalId parameter. Required with memberAccounts outside an organisation (no organizationId). Not a secret (it sits in the function's environment); it names which hub may assume.",
  },
  discoverMemberAccounts: {
    kind: 'boolean',
    default: false,
    description:
      "With organizationId: the sweep also covers the organisation's ACTIVE accounts (organizations:ListAccounts, MESHWARDEN_DISCOVER_ACCOUNTS=organizations), so accounts the StackSet adds later are swept. Works only where the hub account is the organisation's management account or a delegated administrator.",
  },
  requiredTagKeys: {
    kind: 'stringList',
    itemPattern: TAG_KEY_PATTERN,
    description:
      'Tag keys every resource must carry (MESHWARDEN_REQUIRED_TAG_KEYS): the tagging rule applies only with this key; [] means at least one tag of any key.',
    check: entriesCheck('requiredTagKeys', TAG_KEY_PATTERN, 'tag keys (1-128 of letters, digits, space and _ . : / = + - @, not aws:...)', JSON.stringify),
  },
  maxRevertsPerHour: {
    kind: 'integer',
    default: 3,
    minimum: 0,
    maximum: MAX_REVERTS_PER_HOUR,
    description:
      'Reverts per resource and hour before the cap stops them and RevertsCapped pages (MESHWARDEN_MAX_REVERTS_PER_HOUR): something that keeps changing a resource back is a fight to report, not to win. 0 stops every revert.',
  },
  meshIpPreference: {
    kind: 'string',
    enum: IP_PREFERENCES,
    description: "The IP preference every mesh's service discovery must have (MESHWARDEN_MESH_IP_PREFERENCE); absent: that rule does not apply.",
  },
  nodeIpPreference: {
    kind: 'string',
    enum: IP_PREFERENCES,
    description: "The IP preference every virtual node's DNS or Cloud Map discovery must have (MESHWARDEN_NODE_IP_PREFERENCE); absent: that rule does not apply.",
  },
  exemptionTagKey: {
    kind: 'string',
    pattern: TAG_KEY_PATTERN,
    description:
      "Off by default. A resource tag key whose value lists rule ids the resource is exempted from (MESHWARDEN_EXEMPTION_TAG_KEY), for teams that exempt through their IaC: whoever may tag a resource can then exempt it.",
  },
  logRetentionDays: {
    kind: 'integer',
    default: 90,
    values: LOG_RETENTION_DAYS,
    description: "Days the function's log group keeps its logs (one of CloudWatch Logs' retention periods).",
  },
  tlsCaArns: {
    kind: 'stringList',
    default: [],
    description: 'ACM Private CA ARNs used to restore backend TLS when the resource has no known compliant policy.',
    check: (value: string[]) => {
      const bad = value.filter((arn) => !/^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:[0-9]{12}:certificate-authority\/.+$/.test(arn));
      return bad.length > 0 ? `tlsCaArns has entries that are not ACM Private CA ARNs: ${bad.join(', ')}` : undefined;
    },
  },
  ecsServiceConnectTlsRoleArns: {
    kind: 'stringList',
    itemPattern: ROLE_ARN_PATTERN,
    default: [],
    description:
      "The IAM roles (Amazon ECS infrastructure roles) an Amazon ECS Service Connect revert may pass to ECS as a service's tls.roleArn (MESHWARDEN_ECS_TLS_ROLE_ARNS): with autoRevert \"on\", iam:PassRole on exactly these, to ecs.amazonaws.com only (none when empty). A revert whose configuration names another role is refused. Member accounts' roles too: the member template's EcsServiceConnectTlsRoleArns takes the same list.",
    check: entriesCheck('ecsServiceConnectTlsRoleArns', ROLE_ARN_PATTERN, 'IAM role ARNs'),
  },
  historyTtlDays: { kind: 'integer', default: 365, minimum: 1, description: 'Days history items are kept (the table TTL).' },
  sweepRate: {
    kind: 'string',
    default: 'rate(1 day)',
    pattern: '^rate\\([0-9]+ (minute|minutes|hour|hours|day|days)\\)$',
    description: `The sweep's EventBridge Scheduler rate, at most ${MAX_SWEEP_HOURS} hours; the heartbeat alarm fires after this period + 1 hour without any invocation.`,
    check: (value: string) => {
      const hours = rateHours(value);
      if (hours < 1 / 60) return `sweepRate must be at least rate(1 minute), got ${value}`;
      return hours > MAX_SWEEP_HOURS ? `sweepRate must be at most ${MAX_SWEEP_HOURS} hours, got ${value}` : undefined;
    },
  },
  memoryMb: { kind: 'integer', default: 256, minimum: 128, maximum: 10240, description: "The function's memory." },
  timeoutSeconds: {
    kind: 'integer',
    default: 120,
    minimum: 1,
    maximum: 900,
    description: "The function's timeout; also the revert lease (MESHWARDEN_REVERT_LEASE_SECS).",
  },
  retryAttempts: {
    kind: 'integer',
    default: MAX_ASYNC_RETRY_ATTEMPTS,
    minimum: 0,
    maximum: MAX_ASYNC_RETRY_ATTEMPTS,
    description: "Lambda's retries of an event the function failed; the consistency window follows.",
  },
  reservedConcurrency: {
    kind: 'integer',
    default: 10,
    minimum: 1,
    description: 'Caps the function so an event burst cannot starve the account.',
  },
  sweepConcurrency: {
    kind: 'integer',
    default: 2,
    minimum: 2,
    maximum: 1000,
    description:
      "Most sweep shards running at once: the sweep queue's event source mapping's MaximumConcurrency (2 is AWS's minimum). Each shard describes up to 8 resources at a time, so the sweep's describe rate is about 8 × this ÷ the describe latency: keep it within App Mesh's and VPC Lattice's rate quotas (throttling only slows the sweep). Must stay below reservedConcurrency, which events share.",
  },
  sweepShardSize: {
    kind: 'integer',
    default: 50,
    minimum: 1,
    maximum: 1000,
    description:
      'Resources per evaluate shard of the sweep (MESHWARDEN_SWEEP_SHARD_SIZE): one invocation describes and records them. A shard short of time sends the rest back, so this trades invocations for the time each one takes.',
  },
  lambdaZip: {
    kind: 'string',
    default: DEFAULT_LAMBDA_ZIP,
    description: "The function's code (the cargo-lambda zip, or a directory), relative to infra/cdk.",
  },
};

/** Context keys that are not settings but choose where the settings come from. */
const CONTEXT_ONLY = ['settingsFile'];

/**
 * A context key that names a setting override: a plain identifier. CDK's own context keys
 * (feature flags `@aws-cdk/...`, `aws:cdk:...`, lookups, `acknowledged-issue-numbers`) all contain
 * `@`, `:`, `/` or `-`, so a misspelt setting cannot hide among them.
 */
function isSettingKey(key: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(key);
}

/** Thrown with every problem found, each naming its key and where it came from. */
export class SettingsError extends Error {
  constructor(readonly problems: string[], file: string) {
    super(`Meshwarden settings are not valid (${file}, -c overrides):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

function closest(key: string): string | undefined {
  const lower = key.toLowerCase();
  return Object.keys(SETTINGS).find((k) => k.toLowerCase() === lower || k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
}

function unknownKey(key: string, where: string): string {
  const guess = closest(key);
  return `${key} (${where}): unknown setting${guess ? `; did you mean ${guess}?` : ''} Known: ${Object.keys(SETTINGS).join(', ')}`;
}

/**
 * Parse one value. From the file, JSON types are required (true, not "true"); from `-c`, which
 * gives strings, the text is converted (`true`/`false`, numbers, a JSON list or a comma list, a
 * JSON object).
 */
function parse(key: string, spec: Spec, raw: unknown, fromContext: boolean): { value?: unknown; problem?: string } {
  const got = typeof raw === 'string' ? JSON.stringify(raw) : JSON.stringify(raw) ?? String(raw);
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  switch (spec.kind) {
    case 'string':
      if (typeof raw !== 'string') return { problem: `${key} must be a string, got ${got}` };
      if (spec.enum && !spec.enum.includes(raw)) {
        return { problem: `${key} must be ${spec.enum.slice(0, -1).join(', ')} or ${spec.enum[spec.enum.length - 1]}, got ${got}` };
      }
      if (spec.pattern && !new RegExp(spec.pattern).test(raw)) return { problem: `${key} is not valid: ${got} does not match ${spec.pattern}` };
      return { value: raw };
    case 'boolean':
      if (typeof raw === 'boolean') return { value: raw };
      if (fromContext && (text === 'true' || text === 'false')) return { value: text === 'true' };
      return { problem: `${key} must be true or false, got ${got}` };
    case 'integer': {
      const n = fromContext && text !== undefined && text !== '' ? Number(text) : raw;
      const range =
        spec.maximum !== undefined ? `an integer from ${spec.minimum ?? 0} to ${spec.maximum}` : `an integer of at least ${spec.minimum ?? 0}`;
      if (typeof n !== 'number' || !Number.isInteger(n)) return { problem: `${key} must be ${range}, got ${got}` };
      if (spec.values && !spec.values.includes(n)) return { problem: `${key} must be one of ${spec.values.join(', ')}, got ${got}` };
      if ((spec.minimum !== undefined && n < spec.minimum) || (spec.maximum !== undefined && n > spec.maximum)) {
        return { problem: `${key} must be ${range}, got ${got}` };
      }
      return { value: n };
    }
    case 'stringList': {
      let list: unknown = raw;
      if (fromContext && text !== undefined) {
        if (text.startsWith('[')) {
          try {
            list = JSON.parse(text);
          } catch {
            return { problem: `${key} must be a JSON list or a comma-separated list, got ${got}` };
          }
        } else {
          list = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
        }
      }
      if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) return { problem: `${key} must be a list of strings, got ${got}` };
      return { value: list };
    }
    case 'stringMap': {
      let map: unknown = raw;
      if (fromContext && text !== undefined) {
        try {
          map = JSON.parse(text);
        } catch {
          return { problem: `${key} must be a JSON object, got ${got}` };
        }
      }
      if (typeof map !== 'object' || map === null || Array.isArray(map) || !Object.values(map).every((v) => typeof v === 'string')) {
        return { problem: `${key} must be an object of strings, got ${got}` };
      }
      return { value: map };
    }
  }
}

/** Hours between sweeps, from `rate(N minute|minutes|hour|hours|day|days)`. */
export function rateHours(rate: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(rate.trim());
  if (!m) throw new Error(`sweepRate must be rate(N unit), got ${rate}`);
  const n = Number(m[1]);
  return m[2].startsWith('minute') ? n / 60 : m[2].startsWith('hour') ? n : n * 24;
}

function regionOfArn(arn: string): string {
  return arn.split(':')[3];
}

export interface SettingsSource {
  /** The settings file's path, as read. */
  readonly file: string;
  /** The keys `-c` overrode for this command, with their values as given. */
  readonly overrides: Record<string, unknown>;
}

/**
 * Read the settings file, apply the `-c` overrides and validate everything. Problems stop
 * synthesis with one message naming each key. `credentialsAccount` is CDK_DEFAULT_ACCOUNT (the
 * account the CLI resolved from the credentials), used only when the settings name none.
 */
export function readSettings(
  context: Record<string, unknown>,
  credentialsAccount: string | undefined,
): { settings: Settings; source: SettingsSource } {
  const file = path.resolve(String(context.settingsFile ?? SETTINGS_FILE));
  const problems: string[] = [];
  const shown = path.relative(process.cwd(), file) || file;

  let fromFile: Record<string, unknown> = {};
  if (!fs.existsSync(file)) {
    throw new SettingsError([`the settings file ${file} does not exist (copy meshwarden.settings.json or pass -c settingsFile=PATH)`], shown);
  }
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    fromFile = parsed as Record<string, unknown>;
  } catch (e) {
    throw new SettingsError([`${file} is not a JSON object: ${(e as Error).message}`], shown);
  }

  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(fromFile)) {
    if (key === '$schema') continue;
    const spec = SETTINGS[key];
    if (!spec) {
      problems.push(unknownKey(key, `in ${path.basename(file)}`));
      continue;
    }
    const { value, problem } = parse(key, spec, raw, false);
    if (problem) problems.push(`${problem} (in ${path.basename(file)})`);
    else values[key] = value;
  }
  const overrides: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(context)) {
    if (!isSettingKey(key) || CONTEXT_ONLY.includes(key)) continue;
    const spec = SETTINGS[key];
    if (!spec) {
      problems.push(unknownKey(key, '-c'));
      continue;
    }
    overrides[key] = raw;
    const { value, problem } = parse(key, spec, raw, true);
    if (problem) problems.push(`${problem} (-c ${key})`);
    else values[key] = value;
  }
  for (const [key, spec] of Object.entries(SETTINGS)) {
    if (values[key] === undefined || !spec.check) continue;
    const problem = spec.check(values[key] as never);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new SettingsError(problems, shown);

  const get = <T>(key: string): T => (values[key] ?? SETTINGS[key].default) as T;
  const regions = get<string[] | undefined>('regions') ?? [];
  const homeRegion = get<string | undefined>('homeRegion') ?? regions[0];
  if (!homeRegion) {
    problems.push('regions (or homeRegion) must name at least one region: the home region is never taken from AWS_REGION');
  }
  const account = get<string | undefined>('account') ?? credentialsAccount;
  if (!account) {
    problems.push(
      'no AWS account: set "account" in the settings file, or run with credentials the CDK CLI can resolve (it passes their account as CDK_DEFAULT_ACCOUNT)',
    );
  }
  const otherRegions = regions.filter((r) => r !== homeRegion);
  const alarmTopicArn = get<string | undefined>('alarmTopicArn');
  if (alarmTopicArn && homeRegion && regionOfArn(alarmTopicArn) !== homeRegion) {
    problems.push(
      `alarmTopicArn is in ${regionOfArn(alarmTopicArn)} but the home region is ${homeRegion}: an alarm notifies a topic of its own region (use alarmTopicArns for other regions)`,
    );
  }
  const driftAlarmTopicArn = get<string | undefined>('driftAlarmTopicArn');
  if (driftAlarmTopicArn && homeRegion && regionOfArn(driftAlarmTopicArn) !== homeRegion) {
    problems.push(
      `driftAlarmTopicArn is in ${regionOfArn(driftAlarmTopicArn)} but the home region is ${homeRegion}: an alarm notifies a topic of its own region`,
    );
  }
  const alarmTopicArns = get<Record<string, string> | undefined>('alarmTopicArns') ?? {};
  for (const [region, arn] of Object.entries(alarmTopicArns)) {
    if (!otherRegions.includes(region)) {
      problems.push(
        `alarmTopicArns.${region}: ${region} is not one of the forwarder regions (${otherRegions.join(', ') || 'none'}); the home region's topic is alarmTopicArn`,
      );
    } else if (!new RegExp(SNS_TOPIC_PATTERN).test(arn)) {
      problems.push(`alarmTopicArns.${region} is not an SNS topic ARN: ${JSON.stringify(arn)}`);
    } else if (regionOfArn(arn) !== region) {
      problems.push(`alarmTopicArns.${region} is a topic in ${regionOfArn(arn)}: an alarm notifies a topic of its own region`);
    }
  }
  if (problems.length > 0) throw new SettingsError(problems, shown);

  problems.push(...organisationProblems(values, get));
  if (problems.length > 0) throw new SettingsError(problems, shown);

  const reservedConcurrency = get<number>('reservedConcurrency');
  const sweepConcurrency = get<number>('sweepConcurrency');
  if (sweepConcurrency >= reservedConcurrency) {
    problems.push(
      `sweepConcurrency (${sweepConcurrency}) must be below reservedConcurrency (${reservedConcurrency}): the sweep's shards would take every instance events need`,
    );
  }
  if (problems.length > 0) throw new SettingsError(problems, shown);

  const sweepRate = get<string>('sweepRate');
  const settings: Settings = {
    account: account!,
    accountSource: values.account !== undefined ? 'settings' : 'credentials',
    homeRegion: homeRegion!,
    autoRevert: get<AutoRevert>('autoRevert'),
    otherRegions,
    tlsCaArns: get<string[]>('tlsCaArns'),
    ecsServiceConnectTlsRoleArns: get<string[]>('ecsServiceConnectTlsRoleArns'),
    historyTtlDays: get<number>('historyTtlDays'),
    sweepRate,
    heartbeatHours: Math.ceil(rateHours(sweepRate)) + 1,
    lambdaCode: path.resolve(CDK_DIR, get<string>('lambdaZip')),
    memoryMb: get<number>('memoryMb'),
    timeout: Duration.seconds(get<number>('timeoutSeconds')),
    retryAttempts: get<number>('retryAttempts'),
    reservedConcurrency,
    sweepConcurrency,
    sweepShardSize: get<number>('sweepShardSize'),
    alarmEmail: get<string | undefined>('alarmEmail'),
    alarmTopicArn,
    alarmTopicArns,
    securityHub: get<boolean>('securityHub'),
    createTrail: get<boolean>('createTrail'),
    organizationId: get<string | undefined>('organizationId'),
    memberAccounts: get<string[]>('memberAccounts'),
    trailRetentionDays: get<number>('trailRetentionDays'),
    driftAlarmEmail: get<string | undefined>('driftAlarmEmail'),
    driftAlarmTopicArn: get<string | undefined>('driftAlarmTopicArn'),
    requiredTagKeys: get<string[] | undefined>('requiredTagKeys'),
    maxRevertsPerHour: get<number>('maxRevertsPerHour'),
    meshIpPreference: get<string | undefined>('meshIpPreference'),
    nodeIpPreference: get<string | undefined>('nodeIpPreference'),
    memberExternalId: get<string | undefined>('memberExternalId'),
    logRetentionDays: get<number>('logRetentionDays'),
    discoverMemberAccounts: get<boolean>('discoverMemberAccounts'),
    exemptionTagKey: get<string | undefined>('exemptionTagKey'),
  };
  return { settings, source: { file, overrides } };
}

/**
 * The organisation settings that cannot work together, each a message naming what to set:
 * - memberAccounts outside an organisation (no organizationId) without memberExternalId: the
 *   member template's trust needs OrganizationId or ExternalId, and the hub would send neither;
 * - organizationId with neither memberAccounts nor discoverMemberAccounts: the accounts the
 *   StackSet deploys to would send events but never be swept;
 * - discoverMemberAccounts or memberExternalId without any member: nothing to discover or assume.
 */
function organisationProblems(values: Record<string, unknown>, get: <T>(key: string) => T): string[] {
  const organizationId = get<string | undefined>('organizationId');
  const memberAccounts = get<string[]>('memberAccounts');
  const discover = get<boolean>('discoverMemberAccounts');
  const problems: string[] = [];
  if (organizationId === undefined && memberAccounts.length > 0 && values.memberExternalId === undefined) {
    problems.push(
      'memberAccounts without organizationId needs memberExternalId: the member role trusts the hub only under aws:PrincipalOrgID or ' +
        "sts:ExternalId, and without either the hub could never assume it (set memberExternalId, and the same value as each member stack's ExternalId)",
    );
  }
  if (organizationId !== undefined && memberAccounts.length === 0 && !discover) {
    problems.push(
      `organizationId ${organizationId} without memberAccounts or discoverMemberAccounts: the organisation's accounts would send events ` +
        'but the sweep would never cover them (list them in memberAccounts, or set discoverMemberAccounts: true where the hub account is ' +
        'the management account or a delegated administrator)',
    );
  }
  if (discover && organizationId === undefined) {
    problems.push('discoverMemberAccounts needs organizationId: it lists the accounts of that organisation');
  }
  if (values.memberExternalId !== undefined && organizationId === undefined && memberAccounts.length === 0) {
    problems.push('memberExternalId has no member to assume: set organizationId or memberAccounts');
  }
  return problems;
}

/** The JSON schema of the settings file, from `SETTINGS` (written to meshwarden.settings.schema.json). */
export function settingsSchema(): object {
  const properties: Record<string, object> = {
    $schema: { type: 'string', description: 'The schema of this file (for editors).' },
  };
  for (const [key, spec] of Object.entries(SETTINGS)) {
    const base = { description: spec.description, ...(spec.default !== undefined ? { default: spec.default } : {}) };
    switch (spec.kind) {
      case 'string':
        properties[key] = { type: 'string', ...base, ...(spec.enum ? { enum: spec.enum } : {}), ...(spec.pattern ? { pattern: spec.pattern } : {}) };
        break;
      case 'boolean':
        properties[key] = { type: 'boolean', ...base };
        break;
      case 'integer':
        properties[key] = {
          type: 'integer',
          ...base,
          ...(spec.minimum !== undefined ? { minimum: spec.minimum } : {}),
          ...(spec.maximum !== undefined ? { maximum: spec.maximum } : {}),
          ...(spec.values ? { enum: spec.values } : {}),
        };
        break;
      case 'stringList':
        properties[key] = {
          type: 'array',
          ...base,
          items: spec.itemPattern ? { type: 'string', pattern: spec.itemPattern } : { type: 'string' },
          ...(spec.itemPattern ? { uniqueItems: true } : {}),
        };
        break;
      case 'stringMap':
        properties[key] = {
          type: 'object',
          ...base,
          propertyNames: { pattern: REGION_PATTERN },
          additionalProperties: { type: 'string', pattern: SNS_TOPIC_PATTERN },
        };
        break;
    }
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Meshwarden deployment settings',
    description:
      'infra/cdk/meshwarden.settings.json: read by the CDK app (lib/settings.ts) at every synth, deploy and destroy. `-c key=value` overrides a key for one command. Unknown keys and bad values stop synthesis.',
    type: 'object',
    additionalProperties: false,
    anyOf: [{ required: ['regions'] }, { required: ['homeRegion'] }],
    properties,
  };
}
