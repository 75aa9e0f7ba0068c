import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { GatewayFunction, type FunctionOptions } from './gateway-function.js';
import { tableEnvironment, type GatewayTables } from './gateway-tables.js';
import { modelCatalog } from '../lambdas/core/catalog/model-catalog.js';
import { bedrockFoundationModels, bedrockGeographies } from '../lambdas/core/providers/bedrock/bedrock-model.js';
import { lambdaEntries, routerMemoryMb } from './lambda-entries.js';
import type { RequestLogs } from './request-logs.js';
import type { UsageDeadLetters } from './usage-dead-letters.js';

export interface RouterProps extends GatewayTables {
  /** The secret CloudFront sends in x-origin-verify; the router refuses requests without it. */
  originSecret: secretsmanager.ISecret;
  /** The secret holding `{"<provider id>": {"apiKey": ..., "baseUrl"?: ...}, ...}`. */
  providerSecret: secretsmanager.ISecret;
  functions: FunctionOptions;
  reservedConcurrency?: number;
  /** Serve only models whose inference runs in the EU. */
  euOnly: boolean;
  markup: number;
  /** Ask OpenAI-protocol providers for JSON answers as JSON (SWITCHBOARD_UPSTREAM_JSON). */
  upstreamJson: boolean;
  /** Where usage goes that cannot be written. */
  usageDeadLetters: UsageDeadLetters;
  /** Where each request's log record and each feedback call go. */
  requestLogs: RequestLogs;
}

/** The streaming router Lambda and its function URL. */
export class Router extends Construct {
  readonly function: lambda.Function;
  readonly functionUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: RouterProps) {
    super(scope, id);
    const { function: fn } = new GatewayFunction(this, 'Router', {
      ...props.functions,
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
      entry: lambdaEntries.router,
      description: 'Switchboard router: OpenAI/Anthropic-compatible LLM gateway (response streaming)',
      memorySize: routerMemoryMb,
      // Long reasoning calls are allowed to finish; the client and CloudFront bound idle time.
      timeout: Duration.minutes(15),
      environment: {
        ...tableEnvironment(props),
        ORIGIN_VERIFY_SECRET_ARN: props.originSecret.secretArn,
        SWITCHBOARD_EU_ONLY: String(props.euOnly),
        SWITCHBOARD_MARKUP: String(props.markup),
        SWITCHBOARD_UPSTREAM_JSON: String(props.upstreamJson),
        USAGE_DEAD_LETTER_QUEUE_URL: props.usageDeadLetters.queue.queueUrl,
        REQUEST_LOG_STREAM: props.requestLogs.deliveryStream.ref,
        FEEDBACK_STREAM: props.requestLogs.feedbackStream.ref,
        PROVIDER_SECRET_ARN: props.providerSecret.secretArn,
        // Usage of requests without a limit is recorded for the usage fold (lib/usage-fold.ts).
        SWITCHBOARD_USAGE_FOLD: 'true',
      },
    });
    // The hot path only ever reads single items: a key by hash, a policy by scope and name, the
    // organisation's settings, a group.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [props.keysTable.tableArn, props.policiesTable.tableArn, props.directoryTable.tableArn],
      }),
    );
    // `GET /v1/models` lists a key's policies and the organisation's: a query per scope.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [props.policiesTable.tableArn] }));
    // Usage items are only ever updated (reservations and settlements are conditional updates,
    // alone or in transactions); counters are read one at a time (releasing dead reservations)
    // or in a batch (the remaining-budget header). test/cdk/iam-covers-calls.test.ts checks this
    // against the calls the code makes.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'],
        resources: [props.usageTable.tableArn],
      }),
    );
    // A request without a limit records its usage as one new item, under its marker (req#<id>).
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [props.usageTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['req#*'] } },
      }),
    );
    fn.addToRolePolicy(bedrockInvokeStatement(this, props.euOnly));
    props.usageDeadLetters.grantPut(fn);
    props.requestLogs.grantPut(fn);
    props.originSecret.grantRead(fn);
    props.providerSecret.grantRead(fn);

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

/**
 * Bedrock access limited to the catalog's Bedrock models: their cross-region inference profiles
 * and the foundation models those profiles route to. An EU-only router may reach EU regions only.
 */
function bedrockInvokeStatement(router: Construct, euOnly: boolean): iam.PolicyStatement {
  const stack = Stack.of(router);
  const regions = euOnly ? 'eu-*' : '*';
  const geographies = euOnly ? ['eu'] : bedrockGeographies;
  const foundationIds = modelCatalog.flatMap((entry) => {
    const foundation = entry.id.startsWith('bedrock/') ? bedrockFoundationModels[entry.id.slice('bedrock/'.length)] : undefined;
    return foundation ? [foundation] : [];
  });
  const arns = (partition: string, account: string) =>
    foundationIds.flatMap((id) => [
      `arn:${partition}:bedrock:${regions}::foundation-model/${id}`,
      ...geographies.map((geography) => `arn:${partition}:bedrock:${regions}:${account}:inference-profile/${geography}.${id}`),
    ]);
  // cdk-nag names each finding by the resource as written in the template.
  for (const arn of arns('<AWS::Partition>', '<AWS::AccountId>')) {
    Validations.of(router).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arn}]`,
      reason: 'Cross-region inference may run the model in any region of its geography, so the ARN region is a wildcard.',
    });
  }
  return new iam.PolicyStatement({
    actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:CountTokens'],
    resources: arns(stack.partition, stack.account),
  });
}
