import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type WriteRequest,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import {
  defaultOrgName,
  type DirectoryStore,
  type GroupChanges,
  type GroupMember,
  type GroupPage,
  type GroupRecord,
  type MemberRole,
  type OrgChanges,
  type OrgSettings,
} from '../../ports/directory-store.js';
import { conditionHeld } from './condition-held.js';
import { decodeCursor, encodeCursor } from './dynamodb-cursor.js';
import { queryAll } from './query-all.js';
import { directoryTableSchema } from './table-names.js';

type Item = Record<string, AttributeValue>;
const { partitionKey: pk, sortKey: sk } = directoryTableSchema;

const micros = z.number().int().nonnegative();
const orgSchema = z.object({
  name: z.string(),
  monthlyLimit: micros.optional(),
  defaultKeyLimit: micros.optional(),
  prepaidLimits: z.record(z.string(), micros).optional(),
  approvedModels: z.array(z.string()).optional(),
  modelAliases: z.record(z.string(), z.string()).optional(),
}) satisfies z.ZodType<OrgSettings>;
const groupSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  monthlyLimit: micros.optional(),
  models: z.array(z.string()),
  createdAt: z.number(),
}) satisfies z.ZodType<GroupRecord>;
const memberSchema = z.object({
  userId: z.string(),
  role: z.enum(['admin', 'member']),
  addedAt: z.number(),
}) satisfies z.ZodType<GroupMember>;

const orgKey = { [pk]: { S: 'org' }, [sk]: { S: 'settings' } };
const groupKey = (id: string) => ({ [pk]: { S: 'groups' }, [sk]: { S: id } });
const memberKey = (groupId: string, userId: string) => ({ [pk]: { S: `group#${groupId}` }, [sk]: { S: `member#${userId}` } });
/** Read-modify-write attempts before a management call gives up under concurrent edits. */
const maxAttempts = 5;

/**
 * The directory in DynamoDB, each record a JSON document (`doc`) validated on the way out, with a
 * `version` so concurrent edits of one record cannot overwrite each other. Partitions: `org`
 * (the settings), `groups` (one item per group, so listing is one query), `group#<id>` (members).
 */
export class DynamoDbDirectoryStore implements DirectoryStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async org(): Promise<OrgSettings> {
    return (await this.read(orgKey, orgSchema))?.doc ?? { name: defaultOrgName };
  }

  async updateOrg(change: (current: OrgSettings) => OrgChanges): Promise<OrgSettings> {
    const updated = await this.edit(orgKey, orgSchema, (stored) => {
      const current = stored ?? { name: defaultOrgName };
      return withChanges(current, change(current));
    });
    return updated ?? { name: defaultOrgName };
  }

  async listGroups(limit: number, cursor: string | undefined): Promise<GroupPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :groups',
        ExpressionAttributeNames: { '#pk': pk },
        ExpressionAttributeValues: { ':groups': { S: 'groups' } },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, [directoryTableSchema.partitionKey, directoryTableSchema.sortKey]) } : {}),
      }),
    );
    return {
      groups: (page.Items ?? []).map((item) => parseDoc(item, groupSchema)),
      nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
    };
  }

  async group(id: string): Promise<GroupRecord | undefined> {
    return (await this.read(groupKey(id), groupSchema))?.doc;
  }

  async createGroup(group: GroupRecord): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: { ...groupKey(group.id), ...docAttributes(group, 0) } }));
  }

  updateGroup(id: string, changes: GroupChanges): Promise<GroupRecord | undefined> {
    return this.edit(groupKey(id), groupSchema, (current) => current && withChanges(current, changes));
  }

  async deleteGroup(id: string): Promise<boolean> {
    const removed = await conditionHeld(
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: groupKey(id),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': pk },
        }),
      ),
    );
    const members = await this.members(id);
    for (let start = 0; start < members.length; start += 25) {
      let requests: WriteRequest[] | undefined = members.slice(start, start + 25).map((member) => ({ DeleteRequest: { Key: memberKey(id, member.userId) } }));
      // A batch may leave some deletes unprocessed (throttling): those go again.
      while (requests && requests.length > 0) {
        const reply: BatchWriteItemCommandOutput = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = reply.UnprocessedItems?.[this.tableName];
      }
    }
    return removed;
  }

  async members(groupId: string): Promise<GroupMember[]> {
    const members: GroupMember[] = [];
    const items = queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :group AND begins_with(#sk, :member)',
      ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
      ExpressionAttributeValues: { ':group': { S: `group#${groupId}` }, ':member': { S: 'member#' } },
    });
    for await (const item of items) members.push(parseDoc(item, memberSchema));
    return members;
  }

  addMember(groupId: string, member: GroupMember): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...memberKey(groupId, member.userId), ...docAttributes(member, 0) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': pk },
        }),
      ),
    );
  }

  updateMember(groupId: string, userId: string, role: MemberRole): Promise<GroupMember | undefined> {
    return this.edit(memberKey(groupId, userId), memberSchema, (current) => current && { ...current, role });
  }

  removeMember(groupId: string, userId: string): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: memberKey(groupId, userId),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': pk },
        }),
      ),
    );
  }

  private async read<T>(key: Item, schema: z.ZodType<T>): Promise<{ doc: T; version: number } | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item ? { doc: parseDoc(Item, schema), version: Number(Item.version?.N ?? 0) } : undefined;
  }

  /** Applies `change` to the stored document unless someone else changed it meanwhile (then again). */
  private async edit<T>(key: Item, schema: z.ZodType<T>, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const current = await this.read(key, schema);
      const next = change(current?.doc);
      if (next === undefined) return undefined;
      const version = current?.version ?? 0;
      const written = await conditionHeld(
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: { ...key, ...docAttributes(next, version + 1) },
            ConditionExpression: current ? 'version = :version' : 'attribute_not_exists(#pk)',
            ...(current ? { ExpressionAttributeValues: { ':version': { N: String(version) } } } : { ExpressionAttributeNames: { '#pk': pk } }),
          }),
        ),
      );
      if (written) return next;
    }
    throw new Error('The record kept changing while being updated; try again.');
  }
}

export function docAttributes(doc: unknown, version: number): Item {
  return { doc: { S: JSON.stringify(doc) }, version: { N: String(version) } };
}

export function parseDoc<T>(item: Item, schema: z.ZodType<T>): T {
  return schema.parse(JSON.parse(item.doc?.S ?? 'null'));
}

/** The record with each change applied; a null change removes the field. */
function withChanges<T extends object>(current: T, changes: { [K in keyof T]?: T[K] | null }): T {
  const next: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  for (const [field, value] of Object.entries(changes)) {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return next as T;
}
