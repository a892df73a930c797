import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, MeshwardenApp } from '../lib/app';

export const PLACEHOLDER = path.join(__dirname, 'placeholder');
/** The account the tests deploy to on paper: always passed explicitly, never a fallback of the app. */
export const TEST_ACCOUNT = '111122223333';

/** The settings every test starts from (a test's own file, never the committed one the user edits). */
export const BASE_SETTINGS = { account: TEST_ACCOUNT, homeRegion: 'us-east-1', lambdaZip: PLACEHOLDER };

/** Write a settings file into a fresh temporary directory and return its path. */
export function settingsFile(settings: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshwarden-settings-'));
  const file = path.join(dir, 'meshwarden.settings.json');
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  return file;
}

/**
 * Build the app offline with the placeholder code: `settings` is the file's content on top of
 * BASE_SETTINGS, `context` the `-c key=value` overrides (strings, as the CLI passes them).
 */
export function synthWith(
  settings: Record<string, unknown>,
  context: Record<string, unknown> = {},
): MeshwardenApp & { template: Template } {
  const built = buildApp({ context: { settingsFile: settingsFile({ ...BASE_SETTINGS, ...settings }), ...context } });
  return { ...built, template: Template.fromStack(built.responder) };
}

/** Build the app offline from the base settings and `-c` overrides. */
export function synth(context: Record<string, unknown> = {}): MeshwardenApp & { template: Template } {
  return synthWith({}, context);
}

/** Every IAM action the responder's role may perform (from the synthesized policies). */
export function grantedActions(template: Template): string[] {
  const actions: string[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      actions.push(...[statement.Action].flat());
    }
  }
  return actions;
}

/** Run `body` with environment variables set (undefined: unset), restoring them afterwards. */
export function withEnv<T>(vars: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return body();
  } finally {
    apply(saved);
  }
}
