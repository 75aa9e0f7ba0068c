import { RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The one secret holding every provider's credentials, created empty (`{}`): operators put
 * `{"openai": {"apiKey": "..."}, "vertex": {"serviceAccount": {...}}, ...}` into it after
 * deploying, so no key ever passes through CloudFormation. One secret instead of one per
 * provider: each costs $0.40 a month, and the router reads it in one call per cold start.
 */
export class ProviderSecret extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description:
        'Switchboard provider credentials, one entry per provider id: {"openai": {"apiKey": "...", "baseUrl"?: "..."}, ' +
        '"azure": {"apiKey": "...", "baseUrl": "...", "apiVersion": "..."}, "vertex": {"serviceAccount": {...}, "region"?: "..."}}',
      // Not a secret: the empty object the secret starts as (no provider configured).
      secretStringValue: SecretValue.unsafePlainText('{}'),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Third-party provider API keys cannot be rotated by Secrets Manager.',
    });
  }
}
