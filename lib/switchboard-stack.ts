import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Edge } from './edge.js';
import { KeysTable } from './keys-table.js';
import { OriginSecret } from './origin-secret.js';
import { ProviderSecrets } from './provider-secrets.js';
import { Router } from './router.js';

export interface SwitchboardStackProps extends StackProps {
  production: boolean;
}

/** The home-region gateway: keys, the streaming router and CloudFront in front of it. */
export class SwitchboardStack extends Stack {
  readonly keys: KeysTable;
  readonly router: Router;
  readonly edge: Edge;

  constructor(scope: Construct, id: string, props: SwitchboardStackProps) {
    super(scope, id, props);
    this.keys = new KeysTable(this, 'Keys', { production: props.production });
    const origin = new OriginSecret(this, 'OriginSecret');
    const providers = new ProviderSecrets(this, 'ProviderSecrets');
    this.router = new Router(this, 'Router', {
      keysTable: this.keys.table,
      originSecret: origin.secret,
      providerSecrets: providers.secrets,
    });
    this.edge = new Edge(this, 'Edge', { routerUrl: this.router.functionUrl, originSecret: origin.secret });

    new CfnOutput(this, 'Endpoint', {
      description: 'Base URL for SDKs (OpenAI: append /v1)',
      value: `https://${this.edge.distribution.distributionDomainName}`,
    });
    new CfnOutput(this, 'KeysTableName', { value: this.keys.table.tableName });
    for (const [provider, secret] of Object.entries(providers.secrets)) {
      new CfnOutput(this, `${provider}SecretArn`, { description: `Put {"apiKey": ...} here`, value: secret.secretArn });
    }
  }
}
