import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { keysTableSchema } from '../lambdas/adapters/dynamodb/table-names.js';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { GatewayFunction, type FunctionOptions } from './gateway-function.js';
import { tableEnvironment, type GatewayTables } from './gateway-tables.js';
import { lambdaEntries } from './lambda-entries.js';
import type { RequestLogs } from './request-logs.js';

export interface ManagementApiProps extends GatewayTables {
  originSecret: secretsmanager.ISecret;
  functions: FunctionOptions;
  /** Queried by `POST /v1/manage/analytics` through Athena. */
  requestLogs: RequestLogs;
}

/** The management API Lambda (`/v1/manage/...`) and its buffered function URL. */
export class ManagementApi extends Construct {
  readonly function: lambda.Function;
  readonly functionUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: ManagementApiProps) {
    super(scope, id);
    const { function: fn } = new GatewayFunction(this, 'Management', {
      ...props.functions,
      entry: lambdaEntries.management,
      description: 'Switchboard management API: keys, limits, usage, groups, organisation, policies, analytics',
      memorySize: 512,
      // CloudFront waits 60 s for an answer; analytics stops its Athena query before (SWITCHBOARD_ANALYTICS_DEADLINE_MS).
      timeout: Duration.seconds(60),
      environment: {
        ...tableEnvironment(props),
        ORIGIN_VERIFY_SECRET_ARN: props.originSecret.secretArn,
        ATHENA_WORKGROUP: props.requestLogs.workGroup.name,
        ATHENA_DATABASE: props.requestLogs.databaseName,
      },
    });
    props.requestLogs.grantAnalytics(fn, this);
    const { keysTable, policiesTable, directoryTable, usageTable } = props;
    // Spend counters and per-request usage records are read, never written, here.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:BatchGetItem', 'dynamodb:Query'], resources: [usageTable.tableArn] }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
        resources: [directoryTable.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'],
        resources: [keysTable.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${keysTable.tableArn}/index/${keysTableSchema.idIndex.indexName}`],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan'],
        resources: [policiesTable.tableArn],
      }),
    );
    props.originSecret.grantRead(fn);
    // Same origin protection as the router: see lib/router.ts for why not OAC.
    this.functionUrl = fn.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.BUFFERED,
    });
    this.function = fn;
  }
}
