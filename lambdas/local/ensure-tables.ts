import {
  CreateTableCommand,
  ResourceInUseException,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { directoryTableSchema, keysTableSchema, policiesTableSchema, usageTableSchema } from '../adapters/dynamodb/table-names.js';

export interface TableNames {
  keys: string;
  policies: string;
  usage: string;
  directory: string;
}

/** Creates the gateway's tables where they do not exist yet (local mode; CDK owns them on AWS). */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await createTable(client, names.keys, [keysTableSchema.partitionKey], keysTableSchema.idIndex);
  await createTable(client, names.policies, [policiesTableSchema.partitionKey, policiesTableSchema.sortKey]);
  await createTable(client, names.usage, [usageTableSchema.partitionKey, usageTableSchema.sortKey]);
  await createTable(client, names.directory, [directoryTableSchema.partitionKey, directoryTableSchema.sortKey]);
}

async function createTable(
  client: DynamoDBClient,
  name: string,
  [hash, range]: string[],
  index?: { indexName: string; partitionKey: string },
): Promise<void> {
  const keys: KeySchemaElement[] = [
    { AttributeName: hash, KeyType: 'HASH' },
    ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : []),
  ];
  const attributes = [...keys.map((key) => key.AttributeName ?? ''), ...(index ? [index.partitionKey] : [])];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes.map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' })),
        KeySchema: keys,
        ...(index
          ? {
              GlobalSecondaryIndexes: [
                {
                  IndexName: index.indexName,
                  KeySchema: [{ AttributeName: index.partitionKey, KeyType: 'HASH' }],
                  Projection: { ProjectionType: 'ALL' },
                },
              ],
            }
          : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
