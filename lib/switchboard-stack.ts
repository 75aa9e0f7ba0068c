import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SwitchboardGateway, type SwitchboardGatewayProps } from './switchboard-gateway.js';

export interface SwitchboardStackProps extends StackProps {
  gateway: SwitchboardGatewayProps;
}

/** One region's deployment: a thin stack around the SwitchboardGateway construct. */
export class SwitchboardStack extends Stack {
  readonly gateway: SwitchboardGateway;

  constructor(scope: Construct, id: string, props: SwitchboardStackProps) {
    super(scope, id, props);
    this.gateway = new SwitchboardGateway(this, 'Gateway', props.gateway);
  }
}
