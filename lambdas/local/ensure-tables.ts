import { CreateTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { keysTableSchema } from '../adapters/dynamodb/table-names.js';

/** Creates the gateway's tables where they do not exist yet (local mode; CDK owns them on AWS). */
export async function ensureTables(client: DynamoDBClient, names: { keys: string }): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: names.keys,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: keysTableSchema.partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: keysTableSchema.partitionKey, KeyType: 'HASH' }],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
