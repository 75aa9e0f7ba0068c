import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { JsonlUsageDeadLetters } from '../lambdas/adapters/dead-letters/jsonl-usage-dead-letters.js';
import { replayDeadLetters } from '../lambdas/adapters/dead-letters/replay-dead-letters.js';
import { SqsUsageDeadLetters } from '../lambdas/adapters/dead-letters/sqs-usage-dead-letters.js';
import { DynamoDbUsageStore } from '../lambdas/adapters/dynamodb/dynamodb-usage-store.js';
import { failureReason } from '../lambdas/adapters/dynamodb/write-failure.js';
import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsSdkCall } from '../lambdas/adapters/sqs/sqs-sdk-call.js';
import { localDeadLetterFile } from '../lambdas/handlers/usage-dead-letters-env.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../lambdas/local/dynamodb-local.js';

/**
 * `npm run replay-usage -- [--queue-url <url> --region <region> --table <usage table>] [--file <path>]`:
 * writes dead-lettered settlements into the usage table and removes each one written. Without
 * --queue-url, reads the local server's file (SWITCHBOARD_DATA_DIR, default .switchboard) and,
 * unless DYNAMODB_ENDPOINT is set, opens that folder's DynamoDB Local itself (stop npm start
 * first). Exits 1 when some letters could still not be written (they are kept).
 */
const usage = 'Usage: npm run replay-usage -- [--file <path>] | [--queue-url <url> --table <usage table> [--region <region>]]';
const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    'queue-url': { type: 'string' },
    table: { type: 'string' },
    region: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || (values.file && values['queue-url'])) {
  console.error(usage);
  process.exit(2);
}

const dataDir = process.env.SWITCHBOARD_DATA_DIR || '.switchboard';
const table = values.table ?? process.env.USAGE_TABLE ?? 'switchboard-usage';
const region = values.region ?? process.env.AWS_REGION ?? 'us-east-1';
let local: DynamoDbLocal | undefined;
if (!values['queue-url'] && !process.env.DYNAMODB_ENDPOINT) local = await startDynamoDbLocal({ dbPath: join(dataDir, 'dynamodb') });
const endpoint = process.env.DYNAMODB_ENDPOINT || local?.endpoint;
const dynamodb = new DynamoDBClient({
  region,
  ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
});
const inbox = values['queue-url']
  ? new SqsUsageDeadLetters(sqsSdkCall(new SQSClient({ region, credentials: dynamodb.config.credentials })), values['queue-url'])
  : new JsonlUsageDeadLetters(values.file ?? localDeadLetterFile(dataDir));

let code = 0;
try {
  console.log(`Replaying dead-lettered usage from ${inbox.description} into ${table}...`);
  const store = new DynamoDbUsageStore(dynamodb, table);
  const report = await replayDeadLetters(inbox, (settlement) => store.replay(settlement), failureReason);
  console.log(`Done: ${report.written} written, ${report.alreadyWritten} written before (removed), ${report.kept} kept.`);
  if (report.kept > 0) code = 1;
} catch (error) {
  console.error(`Replay stopped: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  dynamodb.destroy();
  await local?.stop();
}
process.exit(code);
