import { App, AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ForwarderStack } from './forwarder-stack';
import { ResponderStack } from './responder-stack';
import { readSettings } from './settings';

/** Offline defaults, used only when neither context nor the CDK CLI names an account/region. */
const OFFLINE_ACCOUNT = '111122223333';
const OFFLINE_REGION = 'us-east-1';

export interface MeshwardenApp {
  readonly app: App;
  readonly responder: ResponderStack;
  readonly forwarders: ForwarderStack[];
}

/** The whole deployment: the responder in the home region, a forwarder in every other region. */
export function buildApp(props?: AppProps): MeshwardenApp {
  const app = new App(props);
  const context = (key: string) => app.node.tryGetContext(key);
  const account = context('account') ?? process.env.CDK_DEFAULT_ACCOUNT ?? OFFLINE_ACCOUNT;
  const homeRegion = context('homeRegion') ?? process.env.CDK_DEFAULT_REGION ?? OFFLINE_REGION;
  const settings = readSettings(context, homeRegion);
  const responder = new ResponderStack(app, 'Meshwarden', {
    env: { account, region: homeRegion },
    description: 'Meshwarden: event-driven App Mesh drift responder',
    settings,
  });
  const forwarders = settings.otherRegions.map(
    (region) =>
      new ForwarderStack(app, `MeshwardenForwarder-${region}`, {
        env: { account, region },
        description: `Meshwarden: forwards App Mesh changes in ${region} to ${homeRegion}`,
        homeRegion,
      }),
  );
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, responder, forwarders };
}
