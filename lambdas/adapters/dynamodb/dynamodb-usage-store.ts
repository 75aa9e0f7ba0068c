import {
  BatchGetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { periodEnd } from '../../core/accounting/periods.js';
import type { CappedCounter, Counter, CounterTotals, Hold, UsageRecord, UsageStore } from '../../ports/usage-store.js';
import { GroupCommit } from './group-commit.js';
import { usageTableSchema } from './table-names.js';

type Item = Record<string, AttributeValue>;
const { partitionKey: pk, sortKey: sk, timeToLiveAttribute: ttl } = usageTableSchema;
const keepSeconds = 400 * 86_400;

/**
 * Usage on DynamoDB. Partition = the counter's owner (`key#<id>`, `group#<id>`, `org`); in it,
 * one totals item per period (sort key = the period), one item per open reservation
 * (`res#<period>#<request>`, listing every counter the reservation holds), and, under keys, one
 * record per served request (`req#<ISO time>#<request>`), which also makes settling idempotent.
 * DynamoDB cannot add in a condition, so a reservation's condition compares `committed` with
 * `limit - amount`: the check and the reservation are one atomic transaction.
 */
export class DynamoDbUsageStore implements UsageStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async reserve(requestId: string, amount: number, capped: readonly CappedCounter[], expiresAt: number): Promise<Counter | undefined> {
    const tooSmall = capped.find((counter) => amount > counter.limit);
    if (tooSmall) return tooSmall;
    const listed = counterList(capped);
    const items: TransactWriteItem[] = capped.flatMap((counter) => {
      const update = counterUpdate(this.tableName, counter, { committed: amount });
      const expiry = update.ExpressionAttributeValues?.[':ttl'];
      const reservation = { ...reservationKey(counter, requestId), amount: number(amount), expires_ms: number(expiresAt), counters: listed };
      return [
        {
          Update: {
            ...update,
            ConditionExpression: 'attribute_not_exists(committed) OR committed <= :room',
            ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':room': number(counter.limit - amount) },
          },
        },
        // A dead reservation must stay until it is released: it expires only with its counter.
        { Put: { TableName: this.tableName, Item: expiry ? { ...reservation, [ttl]: expiry } : reservation } },
      ];
    });
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const failed = (error.CancellationReasons ?? []).findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      return capped[Math.floor(Math.max(0, failed) / 2)];
    }
  }

  settle(record: UsageRecord, counters: readonly Counter[], hold: Hold | undefined): Promise<void> {
    return this.settlements.submit({ record, counters, hold });
  }

  private readonly settlements = new GroupCommit<Settlement>(
    (batch) => (batch.length === 1 ? this.settleOne(batch[0] as Settlement) : this.settleMany(batch)),
    // A transaction may write an item once, so one request's settlements go in separate batches.
    (batch, next) =>
      !batch.some((settlement) => settlement.record.requestId === next.record.requestId) &&
      transactionItems(this.tableName, [...batch, next]).length <= maxTransactionItems,
  );

  /** One transaction for a whole batch, counters added up; if any condition fails, each on its own. */
  private async settleMany(batch: Settlement[]): Promise<void> {
    try {
      await this.send(transactionItems(this.tableName, batch));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      await Promise.all(batch.map((settlement) => this.settleOne(settlement)));
    }
  }

  private async settleOne({ record, counters, hold }: Settlement): Promise<void> {
    try {
      // The usual case: the reservation is still there; replace it by the actual cost.
      await this.send(transactionItems(this.tableName, [{ record, counters, hold }]));
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : undefined;
      if (!reasons) throw error;
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return; // settled before
      // The reservation was released as expired meanwhile: add the actual cost on its own.
      try {
        await this.send(transactionItems(this.tableName, [{ record, counters, hold: undefined }]));
      } catch (retryError) {
        if (!(retryError instanceof TransactionCanceledException)) throw retryError;
      }
    }
  }

  async release(hold: Hold): Promise<void> {
    await this.released(hold);
  }

  async releaseExpired(counter: Counter, now: number): Promise<number> {
    let released = 0;
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          FilterExpression: 'expires_ms < :now',
          ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
          ExpressionAttributeValues: { ':pk': { S: counter.owner }, ':prefix': { S: `res#${counter.period}#` }, ':now': number(now) },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const requestId = (item[sk]?.S ?? '').slice(`res#${counter.period}#`.length);
        const hold = { requestId, amount: Number(item.amount?.N ?? 0), counters: countersOf(item.counters) };
        if (await this.released(hold)) released++;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return released;
  }

  async totals(counters: readonly Counter[]): Promise<CounterTotals[]> {
    if (counters.length === 0) return [];
    const { Responses } = await this.client.send(
      new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: counters.map(totalsKey), ConsistentRead: true } } }),
    );
    const found = Responses?.[this.tableName] ?? [];
    return counters.map((counter) => {
      const item = found.find((candidate) => candidate[pk]?.S === counter.owner && candidate[sk]?.S === counter.period);
      return { spent: Number(item?.spent?.N ?? 0), committed: Number(item?.committed?.N ?? 0) };
    });
  }

  async *records(keyId: string, from: number, to: number): AsyncIterable<UsageRecord> {
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
          ExpressionAttributeValues: {
            ':pk': { S: `key#${keyId}` },
            ':from': { S: `req#${new Date(from).toISOString()}` },
            // `~` sorts after the `#` that follows the time, so requests at `to` itself are in.
            ':to': { S: `req#${new Date(to).toISOString()}~` },
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) yield recordOf(item, keyId);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /** False when the reservation was gone already (settled, or released by someone else). */
  private async released(hold: Hold): Promise<boolean> {
    try {
      await this.send([
        ...hold.counters.map((counter) => reservationDelete(this.tableName, counter, hold.requestId)),
        ...hold.counters.map((counter) => ({ Update: counterUpdate(this.tableName, counter, { committed: -hold.amount }) })),
      ]);
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  private async send(items: TransactWriteItem[]): Promise<void> {
    await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
  }
}

type Update = NonNullable<TransactWriteItem['Update']>;

interface Settlement {
  record: UsageRecord;
  counters: readonly Counter[];
  hold: Hold | undefined;
}

const maxTransactionItems = 100;

/**
 * The writes that settle a batch, the record first: one conditional put per record (which
 * makes settling idempotent), one conditional delete per reservation held, and one update per
 * counter with the batch's deltas added up (a transaction may touch an item only once).
 */
function transactionItems(tableName: string, batch: readonly Settlement[]): TransactWriteItem[] {
  const deltas = new Map<string, { counter: Counter; committed: number; spent: number; requests: number }>();
  for (const { record, counters, hold } of batch) {
    for (const counter of counters) {
      const id = `${counter.owner}\n${counter.period}`;
      const delta = deltas.get(id) ?? { counter, committed: 0, spent: 0, requests: 0 };
      const reserved = hold?.counters.some((held) => sameCounter(held, counter)) ? hold.amount : 0;
      delta.committed += record.cost - reserved;
      delta.spent += record.cost;
      delta.requests += 1;
      deltas.set(id, delta);
    }
  }
  return [
    ...batch.map(({ record }) => ({
      Put: { TableName: tableName, Item: recordItem(record), ConditionExpression: 'attribute_not_exists(#sk)', ExpressionAttributeNames: { '#sk': sk } },
    })),
    ...batch.flatMap(({ hold }) => (hold ? hold.counters.map((counter) => reservationDelete(tableName, counter, hold.requestId)) : [])),
    ...[...deltas.values()].map(({ counter, ...adds }) => ({ Update: counterUpdate(tableName, counter, adds) })),
  ];
}

function reservationDelete(tableName: string, counter: Counter, requestId: string): TransactWriteItem {
  return {
    Delete: {
      TableName: tableName,
      Key: reservationKey(counter, requestId),
      ConditionExpression: 'attribute_exists(#sk)',
      ExpressionAttributeNames: { '#sk': sk },
    },
  };
}

/** Adds to a counter's attributes, and gives a new monthly or daily counter its expiry. */
function counterUpdate(tableName: string, counter: Counter, deltas: Record<string, number>): Update {
  const names: Record<string, string> = {};
  const values: Item = {};
  const adds = Object.entries(deltas).map(([attribute, delta], index) => {
    names[`#a${index}`] = attribute;
    values[`:a${index}`] = number(delta);
    return `#a${index} :a${index}`;
  });
  const end = periodEnd(counter.period);
  if (end !== undefined) {
    names['#ttl'] = ttl;
    values[':ttl'] = number(Math.floor(end / 1000) + keepSeconds);
  }
  return {
    TableName: tableName,
    Key: totalsKey(counter),
    UpdateExpression: `ADD ${adds.join(', ')}${end === undefined ? '' : ' SET #ttl = if_not_exists(#ttl, :ttl)'}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function totalsKey(counter: Counter): Item {
  return { [pk]: { S: counter.owner }, [sk]: { S: counter.period } };
}

function reservationKey(counter: Counter, requestId: string): Item {
  return { [pk]: { S: counter.owner }, [sk]: { S: `res#${counter.period}#${requestId}` } };
}

function counterList(counters: readonly Counter[]): AttributeValue {
  return { L: counters.map((counter) => ({ M: { owner: { S: counter.owner }, period: { S: counter.period } } })) };
}

function countersOf(list: AttributeValue | undefined): Counter[] {
  return (list?.L ?? []).map((entry) => ({ owner: entry.M?.owner?.S ?? '', period: entry.M?.period?.S ?? '' }));
}

function sameCounter(a: Counter, b: Counter): boolean {
  return a.owner === b.owner && a.period === b.period;
}

function recordItem(record: UsageRecord): Item {
  return {
    [pk]: { S: `key#${record.keyId}` },
    [sk]: { S: `req#${new Date(record.at).toISOString()}#${record.requestId}` },
    model: { S: record.model },
    cost: number(record.cost),
    input_tokens: number(record.inputTokens),
    output_tokens: number(record.outputTokens),
    total_tokens: number(record.totalTokens),
    ...(record.userId === undefined ? {} : { user_id: { S: record.userId } }),
    extra: { M: Object.fromEntries(Object.entries(record.extra).map(([field, value]) => [field, { S: value }])) },
    [ttl]: number(Math.floor(record.at / 1000) + keepSeconds),
  };
}

function recordOf(item: Item, keyId: string): UsageRecord {
  const [, at = '', requestId = ''] = (item[sk]?.S ?? '').split('#');
  const userId = item.user_id?.S;
  return {
    requestId,
    keyId,
    at: Date.parse(at),
    model: item.model?.S ?? '',
    cost: Number(item.cost?.N ?? 0),
    inputTokens: Number(item.input_tokens?.N ?? 0),
    outputTokens: Number(item.output_tokens?.N ?? 0),
    totalTokens: Number(item.total_tokens?.N ?? 0),
    ...(userId === undefined ? {} : { userId }),
    extra: Object.fromEntries(Object.entries(item.extra?.M ?? {}).map(([field, value]) => [field, value.S ?? ''])),
  };
}

function number(value: number): AttributeValue {
  return { N: String(value) };
}

