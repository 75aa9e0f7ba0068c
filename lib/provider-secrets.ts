import { RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { chatProviders } from '../lambdas/core/providers/registry.js';

/** Providers that need no secret: the built-in mock, and Bedrock (the Lambda role signs its calls). */
const providersWithoutSecrets = new Set(['mock', 'bedrock']);

/** Providers whose credentials the deployed router reads from Secrets Manager. */
export const deployedProviders = Object.keys(chatProviders).filter((id) => !providersWithoutSecrets.has(id));

/**
 * One secret per provider, created empty (`{}`); operators put `{"apiKey": "...",
 * "baseUrl"?: "..."}` into it after deploying, so no key ever passes through CloudFormation.
 */
export class ProviderSecrets extends Construct {
  readonly secrets: Readonly<Record<string, secretsmanager.ISecret>>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secrets = Object.fromEntries(
      deployedProviders.map((provider) => {
        const secret = new secretsmanager.Secret(this, provider, {
          description:
            provider === 'vertex'
              ? 'Switchboard credentials for provider "vertex": {"serviceAccount": {...key file...}, "project"?: "...", "region"?: "..."}'
              : `Switchboard credentials for provider "${provider}": {"apiKey": "...", "baseUrl"?: "...", "apiVersion"?: "..."}`,
          // Not a secret: the empty object every provider secret starts as.
          secretStringValue: SecretValue.unsafePlainText('{}'),
          removalPolicy: RemovalPolicy.DESTROY,
        });
        Validations.of(secret).acknowledge({
          id: 'AwsSolutions-SMG4',
          reason: 'Third-party provider API keys cannot be rotated by Secrets Manager.',
        });
        return [provider, secret];
      }),
    );
  }
}
