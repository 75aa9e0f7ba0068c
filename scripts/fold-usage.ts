import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsUsageDeadLetters } from '../lambdas/adapters/dead-letters/sqs-usage-dead-letters.js';
import { DynamoDbUsageFolder } from '../lambdas/adapters/dynamodb/dynamodb-usage-folder.js';
import { unfoldedSettlements } from '../lambdas/adapters/dynamodb/scan-unfolded-usage.js';
import { sqsSdkCall } from '../lambdas/adapters/sqs/sqs-sdk-call.js';
import { foldLeftovers } from './fold-usage/fold-leftovers.js';

/**
 * `npm run fold-usage -- --table <UsageTableName> --queue-url <UsageDeadLetterQueueUrl> [--region <region>] [--older-than-minutes 60]`:
 * counts the usage a deployed stack's usage fold left behind (a batch it gave up on after the
 * stream's 24 hours: the UsageDeadLetters alarm then holds a message describing it), by
 * scanning the usage table for requests recorded but never counted. Settlements DynamoDB
 * refuses go to the usage dead-letter queue, as the fold's do. Budget alerts are not evaluated
 * for what it counts. Exits 1 when some could still not be written.
 */
const usage = 'Usage: npm run fold-usage -- --table <usage table> --queue-url <usage dead-letter queue url> [--region <region>] [--older-than-minutes <n>]';
const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    'queue-url': { type: 'string' },
    region: { type: 'string' },
    'older-than-minutes': { type: 'string', default: '60' },
    help: { type: 'boolean', default: false },
  },
});
const olderThanMinutes = Number(values['older-than-minutes']);
if (values.help || !values.table || !values['queue-url'] || !Number.isFinite(olderThanMinutes) || olderThanMinutes < 0) {
  console.error(usage);
  process.exit(2);
}

const region = values.region ?? process.env.AWS_REGION ?? 'us-east-1';
const dynamodb = new DynamoDBClient({ region, ...(process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {}) });
const deadLetters = new SqsUsageDeadLetters(sqsSdkCall(new SQSClient({ region })), values['queue-url']);
let code = 0;
try {
  const before = Date.now() - olderThanMinutes * 60_000;
  console.log(`Counting usage recorded before ${new Date(before).toISOString()} and not yet folded, in ${values.table}...`);
  const report = await foldLeftovers(unfoldedSettlements(dynamodb, values.table, before), new DynamoDbUsageFolder(dynamodb, values.table, deadLetters));
  console.log(`Done: ${report.counted} counted, ${report.left} left (run again later).`);
  if (report.left > 0) code = 1;
} catch (error) {
  console.error(`Stopped: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  dynamodb.destroy();
}
process.exit(code);
