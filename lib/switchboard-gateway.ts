import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { directoryTableSchema, keysTableSchema, policiesTableSchema, usageTableSchema } from '../lambdas/adapters/dynamodb/table-names.js';
import { Alarms } from './alarms.js';
import { Alerts } from './alerts.js';
import { ConsoleSite } from './console-site.js';
import { Edge } from './edge.js';
import { GatewayTable } from './gateway-table.js';
import { ManagementApi } from './management-api.js';
import { OriginSecret } from './origin-secret.js';
import { ProviderSecret } from './provider-secret.js';
import { RequestLogs, type RequestLogsProps } from './request-logs.js';
import { Router } from './router.js';
import { UsageDeadLetters } from './usage-dead-letters.js';
import { UsageFold } from './usage-fold.js';
import { WebAcl } from './web-acl.js';

/**
 * Where keys, policies and the directory (organisation, groups) live. The home region owns them
 * (replicated to the other regions listed); another region's gateway reads its local replicas,
 * found by the home gateway's name.
 */
export type SharedTables = { owner: true; replicaRegions: readonly string[] } | { owner: false; homeName: string };

export interface SwitchboardGatewayProps {
  /** Prefix of the fixed names of the shared tables. */
  name: string;
  sharedTables: SharedTables;
  production: boolean;
  /** Serve only models whose inference runs in the EU. */
  euOnly: boolean;
  domain?: { name: string; certificateArn: string };
  /** Attach this CloudFront WAF ACL, or create one (only possible in us-east-1). */
  waf?: { webAclArn: string } | { ratePer5Minutes: number };
  routerReservedConcurrency?: number;
  /** Added to the catalog's prices in reported costs (a fraction: 0.05 is 5%). */
  markup: number;
  /** Ask OpenAI-protocol providers for JSON answers as JSON (SWITCHBOARD_UPSTREAM_JSON). */
  upstreamJson: boolean;
  logRetention: logs.RetentionDays;
  tracing: boolean;
  requestLogs: RequestLogsProps;
  alarmEmail?: string;
}

/**
 * The whole gateway of one region as one construct: tables, secrets, the router and management
 * Lambdas behind CloudFront, request logs with Athena, the alert bus and alarms. Embed it in an
 * app of your own, or deploy the stacks in bin/.
 */
export class SwitchboardGateway extends Construct {
  readonly keysTable: dynamodb.ITableV2;
  readonly policiesTable: dynamodb.ITableV2;
  readonly directoryTable: dynamodb.ITableV2;
  readonly usageTable: dynamodb.TableV2;
  readonly usageDeadLetters: UsageDeadLetters;
  readonly usageFold: UsageFold;
  readonly router: Router;
  readonly management: ManagementApi;
  readonly edge: Edge;
  readonly consoleSite: ConsoleSite;
  readonly requestLogs: RequestLogs;
  readonly alerts: Alerts;
  readonly alarms: Alarms;
  readonly providerSecret: ProviderSecret;

  constructor(scope: Construct, id: string, props: SwitchboardGatewayProps) {
    super(scope, id);
    // Access logs are delivered under a bucket policy, which keeps every bucket free of ACLs.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { production } = props;
    const shared = props.sharedTables;
    const sharedTable = (id: string, schema: { partitionKey: string; sortKey?: string }, suffix: string) =>
      shared.owner
        ? new GatewayTable(this, id, { ...schema, production, replicaRegions: shared.replicaRegions, tableName: `${props.name}-${suffix}` }).table
        : dynamodb.TableV2.fromTableName(this, id, `${shared.homeName}-${suffix}`);
    this.keysTable = sharedTable('Keys', keysTableSchema, 'keys');
    this.policiesTable = sharedTable('Policies', policiesTableSchema, 'policies');
    this.directoryTable = sharedTable('Directory', directoryTableSchema, 'directory');
    // Usage stays in the region that served the request.
    this.usageTable = new GatewayTable(this, 'Usage', { ...usageTableSchema, production, stream: true }).table;
    this.usageDeadLetters = new UsageDeadLetters(this, 'UsageDeadLetters');

    const origin = new OriginSecret(this, 'OriginSecret');
    this.providerSecret = new ProviderSecret(this, 'ProviderSecret');
    const functions = { logRetention: props.logRetention, tracing: props.tracing };
    const tables = {
      keysTable: this.keysTable,
      policiesTable: this.policiesTable,
      directoryTable: this.directoryTable,
      usageTable: this.usageTable,
      originSecret: origin.secret,
      functions,
    };
    this.requestLogs = new RequestLogs(this, 'RequestLogs', props.requestLogs);
    this.router = new Router(this, 'Router', {
      ...tables,
      providerSecret: this.providerSecret.secret,
      euOnly: props.euOnly,
      markup: props.markup,
      upstreamJson: props.upstreamJson,
      usageDeadLetters: this.usageDeadLetters,
      requestLogs: this.requestLogs,
      ...(props.routerReservedConcurrency ? { reservedConcurrency: props.routerReservedConcurrency } : {}),
    });
    this.usageFold = new UsageFold(this, 'UsageFold', {
      usageTable: this.usageTable,
      directoryTable: this.directoryTable,
      usageDeadLetters: this.usageDeadLetters,
      functions,
    });
    this.management = new ManagementApi(this, 'Management', { ...tables, requestLogs: this.requestLogs });

    this.consoleSite = new ConsoleSite(this, 'Console', { accessLogs: this.requestLogs.accessLogs });
    const webAclArn = props.waf && ('webAclArn' in props.waf ? props.waf.webAclArn : this.createWebAcl(props.waf.ratePer5Minutes));
    this.edge = new Edge(this, 'Edge', {
      routerUrl: this.router.functionUrl,
      managementUrl: this.management.functionUrl,
      originSecret: origin.secret,
      consoleBucket: this.consoleSite.bucket,
      ...(props.domain ? { domain: props.domain } : {}),
      ...(webAclArn ? { webAclArn } : {}),
    });
    this.alerts = new Alerts(this, 'Alerts', {
      directoryTable: this.directoryTable,
      functions,
      production,
      webhookKey: shared.owner ? { create: `${props.name}-webhook-key`, replicaRegions: shared.replicaRegions } : { existing: `${shared.homeName}-webhook-key` },
    });
    this.alerts.connectRouter(this.router.function, this.directoryTable);
    // The fold evaluates the alerts of the usage it adds, as the router does for the rest.
    this.alerts.connectRouter(this.usageFold.function, this.directoryTable);
    this.alerts.connectManagement(this.management.function, this.usageTable);
    this.alarms = new Alarms(this, 'Alarms', {
      router: this.router.function,
      deadLetters: this.alerts.deadLetters,
      usageDeadLetters: this.usageDeadLetters.metricWaiting(Duration.minutes(5)),
      usageFold: this.usageFold.function,
      ...(props.alarmEmail ? { email: props.alarmEmail } : {}),
    });
    this.outputs();
  }

  private createWebAcl(ratePer5Minutes: number): string {
    const region = Stack.of(this).region;
    if (region !== 'us-east-1') {
      throw new Error(
        `A CloudFront WAF web ACL can only be created in us-east-1, not ${region}: create one there and give its ARN (switchboard.<stack>.webAclArn).`,
      );
    }
    return new WebAcl(this, 'WebAcl', { ratePer5Minutes }).arn;
  }

  private outputs(): void {
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('Endpoint', `https://${this.edge.distribution.distributionDomainName}`, 'Base URL for SDKs (OpenAI: append /v1)');
    output('ConsoleUrl', `https://${this.edge.distribution.distributionDomainName}/console/`, 'The web console: sign in with a management key');
    output('KeysTableName', this.keysTable.tableName, 'API and management keys');
    output('PoliciesTableName', this.policiesTable.tableName, 'Routing policies');
    output('DirectoryTableName', this.directoryTable.tableName, 'Organisation settings, groups and members');
    output('AthenaWorkGroup', this.requestLogs.workGroup.name, 'Run the named queries here');
    output('AlarmTopicArn', this.alarms.topic.topicArn, 'Subscribe to operational alarms');
    output('UsageTableName', this.usageTable.tableName, 'Spend counters and usage (npm run replay-usage --table)');
    output('UsageDeadLetterQueueUrl', this.usageDeadLetters.queue.queueUrl, 'Usage that could not be written (npm run replay-usage --queue-url)');
    output('UsageDeadLetterOverflowUrl', this.usageDeadLetters.overflow.queueUrl, 'Usage dead letters that replays received 100 times without writing');
    output('ProviderSecretArn', this.providerSecret.secret.secretArn, 'Put {"<provider id>": {"apiKey": ...}, ...} for every provider here');
  }
}
