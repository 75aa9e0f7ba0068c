import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Edge } from './edge.js';
import { policiesTableSchema, keysTableSchema } from '../lambdas/adapters/dynamodb/table-names.js';
import { GatewayTable } from './gateway-table.js';
import { ManagementApi } from './management-api.js';
import { OriginSecret } from './origin-secret.js';
import { ProviderSecrets } from './provider-secrets.js';
import { Router } from './router.js';

export interface SwitchboardStackProps extends StackProps {
  production: boolean;
}

/** The home-region gateway: tables, the streaming router, the management API and CloudFront. */
export class SwitchboardStack extends Stack {
  readonly keys: GatewayTable;
  readonly policies: GatewayTable;
  readonly router: Router;
  readonly management: ManagementApi;
  readonly edge: Edge;

  constructor(scope: Construct, id: string, props: SwitchboardStackProps) {
    super(scope, id, props);
    const { production } = props;
    this.keys = new GatewayTable(this, 'Keys', { ...keysTableSchema, production });
    this.policies = new GatewayTable(this, 'Policies', { ...policiesTableSchema, production });
    const origin = new OriginSecret(this, 'OriginSecret');
    const providers = new ProviderSecrets(this, 'ProviderSecrets');
    const tables = { keysTable: this.keys.table, policiesTable: this.policies.table, originSecret: origin.secret };
    this.router = new Router(this, 'Router', { ...tables, providerSecrets: providers.secrets });
    this.management = new ManagementApi(this, 'Management', tables);
    this.edge = new Edge(this, 'Edge', {
      routerUrl: this.router.functionUrl,
      managementUrl: this.management.functionUrl,
      originSecret: origin.secret,
    });

    new CfnOutput(this, 'Endpoint', {
      description: 'Base URL for SDKs (OpenAI: append /v1)',
      value: `https://${this.edge.distribution.distributionDomainName}`,
    });
    new CfnOutput(this, 'KeysTableName', { value: this.keys.table.tableName });
    new CfnOutput(this, 'PoliciesTableName', { value: this.policies.table.tableName });
    for (const [provider, secret] of Object.entries(providers.secrets)) {
      new CfnOutput(this, `${provider}SecretArn`, { description: `Put {"apiKey": ...} here`, value: secret.secretArn });
    }
  }
}
