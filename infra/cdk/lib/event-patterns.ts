import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { serviceRules } from './handled-events';

/** One service rule's event pattern as CloudFormation receives it (the JSON EventBridge matches). */
export interface RenderedPattern {
  /** The rule's id in `serviceRules()` (`AppMeshChanges`, `VpcLatticeServiceEvents`, ...). */
  readonly rule: string;
  readonly eventPattern: Record<string, unknown>;
}

/**
 * Every service rule's pattern, rendered by CDK exactly as the stacks render it (`detailType`
 * becomes `detail-type`, ...). `event-patterns.json` is this list, committed, so that tests
 * outside the CDK app (the emulator's EventBridge stand-in in `crates/testkit`) filter events
 * with the JSON the deployed rules hold; a jest test checks the file is current.
 */
export function renderedServicePatterns(): RenderedPattern[] {
  const stack = new Stack(new App(), 'EventPatterns');
  const rules = serviceRules();
  rules.forEach(({ id, eventPattern }) => new events.Rule(stack, id, { eventPattern }));
  const rendered = Template.fromStack(stack).findResources('AWS::Events::Rule');
  return rules.map(({ id }) => {
    const found = Object.entries(rendered).find(([logicalId]) => logicalId.startsWith(id));
    if (!found) throw new Error(`no rendered rule for ${id}`);
    return { rule: id, eventPattern: found[1].Properties.EventPattern };
  });
}
