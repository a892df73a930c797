import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ForwarderStack } from './forwarder-stack';
import { MEMBER_STACK_ID, MemberStack, memberParameters } from './member-stack';
import { ResponderStack } from './responder-stack';
import { serviceNames } from './services';
import { readSettings, Settings, SettingsSource } from './settings';

export interface MeshwardenApp {
  readonly app: App;
  readonly settings: Settings;
  readonly responder: ResponderStack;
  readonly forwarders: ForwarderStack[];
  /** The member template (cdk.out/MeshwardenMember.template.json): for StackSets, never deployed by scripts/deploy.sh. */
  readonly member: MemberStack;
}

/** The file in the cloud assembly that tells scripts/deploy.sh what this synthesis resolved. */
export const PLAN_FILE = 'meshwarden.plan.json';

/**
 * The whole deployment: the responder in the home region, a forwarder in every other region.
 * Everything comes from the settings file and `-c` overrides (lib/settings.ts): the home region
 * is `homeRegion` or the first of `regions`, never the shell's AWS_REGION; the account is
 * `account` or the one the CLI resolved from the credentials (CDK_DEFAULT_ACCOUNT), never a guess.
 */
export function buildApp(props?: AppProps): MeshwardenApp {
  const app = new App(props);
  // Server access logs delivered by a bucket policy rather than an ACL, so that the trail's buckets
  // can disable ACLs (set here, not only in cdk.json, so that jest's apps build the same templates).
  app.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  const { settings, source } = readSettings(app.node.getAllContext(), process.env.CDK_DEFAULT_ACCOUNT);
  const { account, homeRegion } = settings;
  const responder = new ResponderStack(app, 'Meshwarden', {
    env: { account, region: homeRegion },
    description: `Meshwarden: event-driven ${serviceNames()} drift responder`,
    settings,
  });
  const forwarders = settings.otherRegions.map(
    (region) =>
      new ForwarderStack(app, `MeshwardenForwarder-${region}`, {
        env: { account, region },
        description: `Meshwarden: forwards ${serviceNames()} changes in ${region} to ${homeRegion}`,
        homeRegion,
        notifications: { email: settings.alarmEmail, topicArn: settings.alarmTopicArns[region] },
      }),
  );
  // Environment-agnostic and independent of the settings: everything comes from its parameters.
  const member = new MemberStack(app, MEMBER_STACK_ID, {
    description: `Meshwarden member: forwards ${serviceNames()} changes to the hub; the role the hub assumes (hub region only)`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  writePlan(app, settings, source, [responder, ...forwarders]);
  return { app, settings, responder, forwarders, member };
}

/** Record the resolved deployment next to the templates, for scripts/deploy.sh to print and to select its stacks. */
function writePlan(app: App, settings: Settings, source: SettingsSource, stacks: (ResponderStack | ForwarderStack)[]) {
  const plan = {
    settingsFile: source.file,
    overrides: source.overrides,
    account: settings.account,
    accountSource: settings.accountSource,
    homeRegion: settings.homeRegion,
    regions: [settings.homeRegion, ...settings.otherRegions],
    autoRevert: settings.autoRevert,
    securityHub: settings.securityHub,
    createTrail: settings.createTrail,
    alarmEmail: settings.alarmEmail ?? null,
    alarmTopicArn: settings.alarmTopicArn ?? null,
    alarmTopicArns: settings.alarmTopicArns,
    lambdaCode: settings.lambdaCode,
    organizationId: settings.organizationId ?? null,
    memberAccounts: settings.memberAccounts,
    discoverMemberAccounts: settings.discoverMemberAccounts,
    // The member StackSet's parameters that agree with these settings (organisation mode only).
    memberParameters: settings.organizationId !== undefined || settings.memberAccounts.length > 0 ? memberParameters(settings) : null,
    // The stacks scripts/deploy.sh deploys and destroys, by name (the member template is not one of them).
    stacks: stacks.map((s) => ({ name: s.stackName, environment: `aws://${s.account}/${s.region}` })),
  };
  fs.mkdirSync(app.outdir, { recursive: true });
  fs.writeFileSync(path.join(app.outdir, PLAN_FILE), JSON.stringify(plan, null, 2) + '\n');
}
