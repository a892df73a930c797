import { Template } from 'aws-cdk-lib/assertions';
import * as path from 'path';
import { buildApp, MeshwardenApp } from '../lib/app';

export const PLACEHOLDER = path.join(__dirname, 'placeholder');

/** Build the app offline with the placeholder code and the given context. */
export function synth(context: Record<string, unknown> = {}): MeshwardenApp & { template: Template } {
  const built = buildApp({
    context: { lambdaZip: PLACEHOLDER, account: '111122223333', homeRegion: 'us-east-1', ...context },
  });
  return { ...built, template: Template.fromStack(built.responder) };
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
