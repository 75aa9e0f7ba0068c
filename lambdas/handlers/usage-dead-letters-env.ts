import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { JsonlUsageDeadLetters } from '../adapters/dead-letters/jsonl-usage-dead-letters.js';
import { loggedDeadLetters } from '../adapters/dead-letters/logged-usage-dead-letters.js';
import { SqsUsageDeadLetters } from '../adapters/dead-letters/sqs-usage-dead-letters.js';
import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsSdkCall } from '../adapters/sqs/sqs-sdk-call.js';
import type { UsageDeadLetters } from '../ports/usage-dead-letters.js';
import type { GatewayEnv } from './gateway-env.js';

/** The local dead-letter file, under the data folder. */
export function localDeadLetterFile(dataDir: string): string {
  return join(dataDir, 'dead-letters', 'usage.jsonl');
}

/**
 * Where unwritable usage goes: the queue the stack passes in USAGE_DEAD_LETTER_QUEUE_URL
 * (with the credentials DynamoDB uses), else the file in SWITCHBOARD_DATA_DIR (the local
 * server), else the log.
 */
export function usageDeadLetters(env: Pick<GatewayEnv, 'USAGE_DEAD_LETTER_QUEUE_URL' | 'SWITCHBOARD_DATA_DIR' | 'AWS_REGION'>, dynamodb: DynamoDBClient): UsageDeadLetters {
  if (env.USAGE_DEAD_LETTER_QUEUE_URL) {
    const sqs = sqsSdkCall(new SQSClient({ region: env.AWS_REGION, credentials: dynamodb.config.credentials }));
    return new SqsUsageDeadLetters(sqs, env.USAGE_DEAD_LETTER_QUEUE_URL);
  }
  if (env.SWITCHBOARD_DATA_DIR) return new JsonlUsageDeadLetters(localDeadLetterFile(env.SWITCHBOARD_DATA_DIR));
  return loggedDeadLetters;
}
