import { Aws, Stack, StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { appMeshEventPattern } from './handled-events';
import { deadLetterQueue } from './shared';

export interface ForwarderStackProps extends StackProps {
  /** The region of the responder stack. */
  readonly homeRegion: string;
}

/**
 * In a region other than the home region: forward the same App Mesh events to the home region's
 * default event bus (App Mesh events are regional; the responder describes in `awsRegion`).
 */
export class ForwarderStack extends Stack {
  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    const home = events.EventBus.fromEventBusArn(
      this,
      'HomeBus',
      `arn:${Aws.PARTITION}:events:${props.homeRegion}:${Aws.ACCOUNT_ID}:event-bus/default`,
    );
    new events.Rule(this, 'ForwardAppMeshChanges', {
      description: `Forward App Mesh changes to the Meshwarden responder in ${props.homeRegion}`,
      eventPattern: appMeshEventPattern(),
      targets: [
        new targets.EventBus(home, {
          deadLetterQueue: deadLetterQueue(this, 'DeadLetters'),
        }),
      ],
    });
  }
}
