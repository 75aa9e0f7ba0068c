import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { policySchema, type Policy } from '../../core/routing/policy-schema.js';
import { scopeOf, type PolicyPage, type PolicyScope, type PolicyStore } from '../../ports/policy-store.js';
import { conditionHeld } from './condition-held.js';
import { decodeCursor, encodeCursor } from './dynamodb-cursor.js';
import { queryAll } from './query-all.js';
import { policiesTableSchema } from './table-names.js';

type Item = Record<string, AttributeValue>;
const { partitionKey, sortKey } = policiesTableSchema;

/** Routing policies in DynamoDB: partition = scope (`org` or `key#<api key id>`), sort = name. */
export class DynamoDbPolicyStore implements PolicyStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(scope: PolicyScope, name: string): Promise<Policy | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: itemKey(scope, name) }));
    return Item ? fromItem(Item) : undefined;
  }

  async list(limit: number, cursor: string | undefined): Promise<PolicyPage> {
    const page = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, [policiesTableSchema.partitionKey, policiesTableSchema.sortKey]) } : {}),
      }),
    );
    return {
      policies: (page.Items ?? []).map(fromItem),
      nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
    };
  }

  async listScope(scope: PolicyScope): Promise<Policy[]> {
    const policies: Policy[] = [];
    const items = queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#scope = :scope',
      ExpressionAttributeNames: { '#scope': partitionKey },
      ExpressionAttributeValues: { ':scope': { S: scopeKey(scope) } },
    });
    for await (const item of items) policies.push(fromItem(item));
    return policies;
  }

  create(policy: Policy): Promise<boolean> {
    return this.conditionalPut(policy, 'attribute_not_exists(#scope)');
  }

  replace(policy: Policy): Promise<boolean> {
    return this.conditionalPut(policy, 'attribute_exists(#scope)');
  }

  async delete(scope: PolicyScope, name: string): Promise<boolean> {
    const { Attributes } = await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: itemKey(scope, name), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  private conditionalPut(policy: Policy, condition: string): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...itemKey(scopeOf(policy), policy.name), document: { S: JSON.stringify(policy) } },
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#scope': partitionKey },
        }),
      ),
    );
  }
}

function scopeKey(scope: PolicyScope): string {
  return scope.kind === 'org' ? 'org' : `key#${scope.apiKeyId}`;
}

function itemKey(scope: PolicyScope, name: string): Item {
  return { [partitionKey]: { S: scopeKey(scope) }, [sortKey]: { S: name } };
}

function fromItem(item: Item): Policy {
  return policySchema.parse(JSON.parse(item.document?.S ?? '{}'));
}
