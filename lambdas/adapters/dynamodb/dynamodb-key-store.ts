import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { ApiKeyRecord, KeyKind, KeyStore } from '../../ports/key-store.js';
import { keysTableSchema } from './table-names.js';

type Item = Record<string, AttributeValue>;

/** API keys in DynamoDB, one item per key, addressed by the key's hash. */
export class DynamoDbKeyStore implements KeyStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { [keysTableSchema.partitionKey]: { S: keyHash } } }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async putIfAbsent(record: ApiKeyRecord): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(#hash)',
          ExpressionAttributeNames: { '#hash': keysTableSchema.partitionKey },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async hasAny(kind: KeyKind): Promise<boolean> {
    let startKey: Item | undefined;
    do {
      // Scan's Limit counts items before the filter, so the scan goes on until a match or the end.
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          Select: 'COUNT',
          FilterExpression: '#kind = :kind',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: { ':kind': { S: kind } },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      if ((page.Count ?? 0) > 0) return true;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return false;
  }
}

function toItem(record: ApiKeyRecord): Item {
  return {
    [keysTableSchema.partitionKey]: { S: record.keyHash },
    key_id: { S: record.id },
    kind: { S: record.kind },
    prefix: { S: record.prefix },
    name: { S: record.name },
    disabled: { BOOL: record.disabled },
    created_at: { N: String(record.createdAt) },
    ...(record.expiresAt === undefined ? {} : { expires_at: { N: String(record.expiresAt) } }),
  };
}

function fromItem(item: Item): ApiKeyRecord {
  const expiresAt = item.expires_at?.N;
  return {
    id: item.key_id?.S ?? '',
    kind: item.kind?.S === 'management' ? 'management' : 'api',
    keyHash: item[keysTableSchema.partitionKey]?.S ?? '',
    prefix: item.prefix?.S ?? '',
    name: item.name?.S ?? '',
    disabled: item.disabled?.BOOL ?? false,
    createdAt: Number(item.created_at?.N ?? 0),
    ...(expiresAt === undefined ? {} : { expiresAt: Number(expiresAt) }),
  };
}
