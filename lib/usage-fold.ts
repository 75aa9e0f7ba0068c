import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { unfoldedAttribute } from '../lambdas/adapters/dynamodb/unfolded-usage.js';
import { GatewayFunction, type FunctionOptions } from './gateway-function.js';
import { lambdaEntries } from './lambda-entries.js';
import type { UsageDeadLetters } from './usage-dead-letters.js';

export interface UsageFoldProps {
  /** The usage table, with its stream of new images. */
  usageTable: dynamodb.ITableV2;
  directoryTable: dynamodb.ITableV2;
  usageDeadLetters: UsageDeadLetters;
  functions: FunctionOptions;
}

/**
 * The usage fold: adds the settlements the router records for requests without a hold (one
 * item each, see unfolded-usage.ts) to the counters and usage rows, from the usage table's
 * stream. Only the INSERTs of those items reach it (the filter), up to 100 a batch gathered
 * for at most 5 s: counters are that much behind, and the counter and usage-row writes of a
 * batch are shared by its requests (each still pays its own item and its mark, 3 write
 * units). A failed batch resumes from its first record not counted (ReportBatchItemFailures),
 * is halved on a crash, and is tried again until the stream drops the record (24 h); what is
 * left then goes to the usage dead-letter queue as the stream's batch description (its alarm
 * fires), the items themselves staying in the table unfolded.
 */
export class UsageFold extends Construct {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: UsageFoldProps) {
    super(scope, id);
    const streamArn = props.usageTable.tableStreamArn;
    if (!streamArn) throw new Error('The usage fold needs the usage table with a stream.');
    const { function: fn } = new GatewayFunction(this, 'UsageFold', {
      ...props.functions,
      entry: lambdaEntries.usageFold,
      description: 'Switchboard usage fold: adds the usage of requests without a spend limit to the counters, from the usage table stream',
      memorySize: 512,
      timeout: Duration.minutes(1),
      environment: {
        USAGE_TABLE: props.usageTable.tableName,
        DIRECTORY_TABLE: props.directoryTable.tableName,
        USAGE_DEAD_LETTER_QUEUE_URL: props.usageDeadLetters.queue.queueUrl,
      },
    });
    fn.addEventSourceMapping('Stream', {
      eventSourceArn: streamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(5),
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: 10_000,
      onFailure: new SqsDlq(props.usageDeadLetters.queue),
      filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT'), dynamodb: { NewImage: { [unfoldedAttribute]: { S: lambda.FilterRule.exists() } } } })],
    });
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'], resources: [streamArn] }),
    );
    // The fold's transactions update counters, usage rows and request markers; alert markers are
    // claimed and given back by updates; the alerts read the counters' totals in batches.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:UpdateItem', 'dynamodb:BatchGetItem'], resources: [props.usageTable.tableArn] }));
    props.usageDeadLetters.grantPut(fn);
    this.function = fn;
  }
}
