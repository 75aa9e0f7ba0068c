import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The shared secret CloudFront sends to the router as x-origin-verify, generated in the
 * account (`{"current": "<48 random characters>"}`). To rotate: copy `current` to `previous`,
 * set a new `current`, redeploy so CloudFront sends the new value. The functions accept both
 * meanwhile, warm instances included: one that receives a value it does not know re-reads the
 * secret (at most every few seconds per instance) before refusing it.
 */
export class OriginSecret extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Switchboard: header value CloudFront adds so the router can refuse direct calls',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'current',
        passwordLength: 48,
        excludePunctuation: true,
      },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotation must be followed by a CloudFront deployment, so it is a documented manual step.',
    });
  }
}
