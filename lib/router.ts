import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { GatewayFunction, type FunctionOptions } from './gateway-function.js';
import { lambdaEntries } from './lambda-entries.js';

export interface RouterProps {
  keysTable: dynamodb.ITableV2;
  policiesTable: dynamodb.ITableV2;
  /** The secret CloudFront sends in x-origin-verify; the router refuses requests without it. */
  originSecret: secretsmanager.ISecret;
  /** Provider id → secret holding `{"apiKey": ..., "baseUrl"?: ...}`. */
  providerSecrets: Readonly<Record<string, secretsmanager.ISecret>>;
  functions: FunctionOptions;
  reservedConcurrency?: number;
  /** Serve only models whose inference runs in the EU. */
  euOnly: boolean;
}

/** The streaming router Lambda and its function URL. */
export class Router extends Construct {
  readonly function: lambda.IFunction;
  readonly functionUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: RouterProps) {
    super(scope, id);
    const { function: fn } = new GatewayFunction(this, 'Router', {
      ...props.functions,
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
      entry: lambdaEntries.router,
      description: 'Switchboard router: OpenAI/Anthropic-compatible LLM gateway (response streaming)',
      // Network-bound work; 1 GB gives a full vCPU share for JSON and TLS at the lowest latency.
      memorySize: 1024,
      // Long reasoning calls are allowed to finish; the client and CloudFront bound idle time.
      timeout: Duration.minutes(15),
      environment: {
        KEYS_TABLE: props.keysTable.tableName,
        POLICIES_TABLE: props.policiesTable.tableName,
        ORIGIN_VERIFY_SECRET_ARN: props.originSecret.secretArn,
        SWITCHBOARD_EU_ONLY: String(props.euOnly),
        PROVIDER_SECRET_ARNS: JSON.stringify(
          Object.fromEntries(Object.entries(props.providerSecrets).map(([id, secret]) => [id, secret.secretArn])),
        ),
      },
    });
    props.keysTable.grantReadData(fn);
    props.policiesTable.grantReadData(fn);
    props.originSecret.grantRead(fn);
    for (const secret of Object.values(props.providerSecrets)) secret.grantRead(fn);

    // Auth NONE because CloudFront's OAC signs requests with SigV4, which for POST bodies needs
    // the *client* to send x-amz-content-sha256 (no OpenAI or Anthropic SDK does). The origin is
    // protected instead by a secret header that CloudFront adds and the router checks.
    this.functionUrl = fn.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
    this.function = fn;
  }
}
