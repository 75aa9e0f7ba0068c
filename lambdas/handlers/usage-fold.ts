import { DynamoDbDirectoryStore } from '../adapters/dynamodb/dynamodb-directory-store.js';
import { DynamoDbUsageFolder } from '../adapters/dynamodb/dynamodb-usage-folder.js';
import { DynamoDbUsageStore } from '../adapters/dynamodb/dynamodb-usage-store.js';
import { unfoldedOf } from '../adapters/dynamodb/unfolded-usage.js';
import { alertPipeline, alertWatch } from './alerts-env.js';
import { dynamoDbClient, parseGatewayEnv } from './gateway-env.js';
import { usageDeadLetters } from './usage-dead-letters-env.js';
import { createUsageFoldHandler } from './usage-fold-handler.js';

/** Lambda entry: the usage fold, composed from its environment (the usage table's stream). */
export const handler = createUsageFoldHandler(async () => {
  const env = parseGatewayEnv(process.env);
  const dynamodb = dynamoDbClient(env);
  const usage = new DynamoDbUsageStore(dynamodb, env.USAGE_TABLE);
  return {
    decode: unfoldedOf,
    folder: new DynamoDbUsageFolder(dynamodb, env.USAGE_TABLE, usageDeadLetters(env, dynamodb)),
    alerts: alertWatch(env, dynamodb, alertPipeline(env, dynamodb), usage, new DynamoDbDirectoryStore(dynamodb, env.DIRECTORY_TABLE)),
    log: (line) => console.error(line),
  };
});
