import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { keyPermissionsSchema, type KeyPermissions } from '../../core/auth/key-permissions.js';
import type { ApiKeyRecord, KeyChanges, KeyKind, KeyPage, KeyStore } from '../../ports/key-store.js';
import { conditionHeld } from './condition-held.js';
import { decodeCursor, encodeCursor } from './dynamodb-cursor.js';
import { keysTableSchema } from './table-names.js';

type Item = Record<string, AttributeValue>;

/** Keys in DynamoDB, one item per key, addressed by the key's hash (and by id through an index). */
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

  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: keysTableSchema.idIndex.indexName,
        KeyConditionExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': keysTableSchema.idIndex.partitionKey },
        ExpressionAttributeValues: { ':id': { S: id } },
      }),
    );
    const item = Items?.[0];
    return item ? fromItem(item) : undefined;
  }

  async list(kind: KeyKind, limit: number, cursor: string | undefined): Promise<KeyPage> {
    const page = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: limit,
        FilterExpression: '#kind = :kind',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':kind': { S: kind } },
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, [keysTableSchema.partitionKey]) } : {}),
      }),
    );
    return {
      keys: (page.Items ?? []).map(fromItem),
      nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
    };
  }

  async update(id: string, kind: KeyKind, changes: KeyChanges): Promise<ApiKeyRecord | undefined> {
    const current = await this.findById(id);
    if (!current || current.kind !== kind) return undefined;
    const set: string[] = [];
    const remove: string[] = [];
    const values: Item = {};
    const names: Record<string, string> = { '#hash': keysTableSchema.partitionKey };
    if (changes.labels !== undefined) {
      set.push('labels = :labels');
      values[':labels'] = labelsItem(changes.labels);
    }
    if (changes.disabled !== undefined) {
      set.push('disabled = :disabled');
      values[':disabled'] = { BOOL: changes.disabled };
    }
    if (changes.expiresAt === null) remove.push('expires_at');
    else if (changes.expiresAt !== undefined) {
      set.push('expires_at = :expires');
      values[':expires'] = { N: String(changes.expiresAt) };
    }
    if (changes.monthlyLimit === null) remove.push('monthly_limit_micros');
    else if (changes.monthlyLimit !== undefined) {
      set.push('monthly_limit_micros = :limit');
      values[':limit'] = { N: String(changes.monthlyLimit) };
    }
    if (changes.permissions !== undefined) {
      set.push('#permissions = :permissions');
      values[':permissions'] = permissionsItem(changes.permissions);
      names['#permissions'] = 'permissions';
    }
    if (changes.groupId === null) remove.push('group_id');
    else if (changes.groupId !== undefined) {
      set.push('group_id = :group');
      values[':group'] = { S: changes.groupId };
    }
    if (set.length === 0 && remove.length === 0) return current;
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [keysTableSchema.partitionKey]: { S: current.keyHash } },
          UpdateExpression: [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].join(' ').trim(),
          ConditionExpression: 'attribute_exists(#hash)',
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? fromItem(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async delete(id: string, kind: KeyKind): Promise<boolean> {
    const current = await this.findById(id);
    if (!current || current.kind !== kind) return false;
    const { Attributes } = await this.client.send(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: { [keysTableSchema.partitionKey]: { S: current.keyHash } },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes !== undefined;
  }

  putIfAbsent(record: ApiKeyRecord): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(#hash)',
          ExpressionAttributeNames: { '#hash': keysTableSchema.partitionKey },
        }),
      ),
    );
  }

  hasAny(kind: KeyKind): Promise<boolean> {
    return this.anyMatching('kind', kind);
  }

  anyInGroup(groupId: string): Promise<boolean> {
    return this.anyMatching('group_id', groupId);
  }

  private async anyMatching(attribute: string, value: string): Promise<boolean> {
    let startKey: Item | undefined;
    do {
      // Scan's Limit counts items before the filter, so the scan goes on until a match or the end.
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          Select: 'COUNT',
          FilterExpression: '#attribute = :value',
          ExpressionAttributeNames: { '#attribute': attribute },
          ExpressionAttributeValues: { ':value': { S: value } },
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
    labels: labelsItem(record.labels),
    disabled: { BOOL: record.disabled },
    created_at: { N: String(record.createdAt) },
    ...(record.expiresAt === undefined ? {} : { expires_at: { N: String(record.expiresAt) } }),
    ...(record.monthlyLimit === undefined ? {} : { monthly_limit_micros: { N: String(record.monthlyLimit) } }),
    ...(record.groupId === undefined ? {} : { group_id: { S: record.groupId } }),
    ...(record.permissions === undefined ? {} : { permissions: permissionsItem(record.permissions) }),
  };
}

function fromItem(item: Item): ApiKeyRecord {
  const expiresAt = item.expires_at?.N;
  const monthlyLimit = item.monthly_limit_micros?.N;
  const groupId = item.group_id?.S;
  const permissions = keyPermissionsSchema.safeParse({ manage: item.permissions?.M?.manage?.S, completions: item.permissions?.M?.completions?.S });
  return {
    id: item.key_id?.S ?? '',
    kind: item.kind?.S === 'management' ? 'management' : 'api',
    keyHash: item[keysTableSchema.partitionKey]?.S ?? '',
    prefix: item.prefix?.S ?? '',
    name: item.name?.S ?? '',
    labels: Object.fromEntries(Object.entries(item.labels?.M ?? {}).map(([label, value]) => [label, value.S ?? ''])),
    disabled: item.disabled?.BOOL ?? false,
    createdAt: Number(item.created_at?.N ?? 0),
    ...(expiresAt === undefined ? {} : { expiresAt: Number(expiresAt) }),
    ...(monthlyLimit === undefined ? {} : { monthlyLimit: Number(monthlyLimit) }),
    ...(groupId === undefined ? {} : { groupId }),
    ...(item.permissions === undefined ? {} : { permissions: permissions.success ? permissions.data : noPermissions }),
  };
}

/** What a key whose stored permissions cannot be read may do: nothing, rather than the defaults. */
const noPermissions: KeyPermissions = { manage: 'none', completions: 'none' };

function permissionsItem(permissions: KeyPermissions): AttributeValue {
  return { M: { manage: { S: permissions.manage }, completions: { S: permissions.completions } } };
}

function labelsItem(labels: Record<string, string>): AttributeValue {
  return { M: Object.fromEntries(Object.entries(labels).map(([label, value]) => [label, { S: value }])) };
}
