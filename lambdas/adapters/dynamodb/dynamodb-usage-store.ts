import { createHash } from 'node:crypto';
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { CappedCounter, Counter, CounterTotals, Hold, Reservation, UsageRecord, UsageRow, UsageStore } from '../../ports/usage-store.js';
import { GroupCommit } from './group-commit.js';
import { queryAll } from './query-all.js';
import { usageTableSchema } from './table-names.js';
import {
  counterKey,
  counterUpdate,
  expiredReservations,
  hourOf,
  number,
  reservationPrefix,
  reservationValue,
  rowOf,
  settlementTransactions,
  type Item,
  type Settlement,
} from './usage-items.js';

const { partitionKey: pk, sortKey: sk } = usageTableSchema;

/**
 * Usage on DynamoDB (items: see usage-items.ts). DynamoDB cannot add in a condition, so a
 * reservation's condition compares `committed` with `limit - amount`: the check and the
 * reservation are one atomic write (one update for one capped counter, a transaction for more).
 *
 * Settlements are group-committed: concurrent ones share one transaction, their amounts added
 * up. `writes` says when: `sync`, before `settle` resolves; `on-flush`, when `flush` is called
 * (on Lambda, once the response has ended); `{ everyMs }`, that often (a long-running server:
 * a crash loses at most that much usage). Reservations stay held until their settlement is
 * written, so limits hold whichever is chosen.
 */
export class DynamoDbUsageStore implements UsageStore {
  private readonly waiting: Settlement[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly settlements = new GroupCommit<Settlement>((batch) => this.settleBatch(batch));

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly writes: UsageWrites = 'sync',
  ) {}

  async reserve(requestId: string, amount: number, capped: readonly CappedCounter[], expiresAt: number): Promise<Reservation> {
    const tooSmall = capped.find((counter) => amount > counter.limit);
    if (tooSmall) return { held: false, refusedBy: tooSmall };
    const updates = capped.map((counter) => {
      const update = counterUpdate(this.tableName, counter, { committed: amount }, { reserve: { requestId, value: reservationValue(amount, expiresAt, capped) } });
      return {
        ...update,
        // Also refused when this very reservation is there already: a retried write must not add twice.
        ConditionExpression: 'attribute_not_exists(#reserve) AND (attribute_not_exists(committed) OR committed <= :room)',
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':room': number(counter.limit - amount) },
      };
    });
    const [only] = updates;
    if (only && updates.length === 1) {
      try {
        const { Attributes } = await this.client.send(new UpdateItemCommand({ ...only, ReturnValues: 'UPDATED_NEW', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
        return { held: true, committed: [Number(Attributes?.committed?.N ?? amount)] };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const reservedBefore = error.Item?.[reservationPrefix + requestId] !== undefined;
        const committed = Number(error.Item?.committed?.N ?? 0);
        return reservedBefore ? { held: true, committed: [committed] } : { held: false, refusedBy: capped[0] as Counter, committed };
      }
    }
    try {
      await this.send(updates.map((Update) => ({ Update })), [requestId]);
      return { held: true, committed: undefined };
    } catch (error) {
      const failed = conditionFailures(error);
      if (!failed) throw error;
      return { held: false, refusedBy: capped[Math.max(0, failed.findIndex(Boolean))] as Counter };
    }
  }

  settle(record: UsageRecord, counters: readonly Counter[], hold: Hold | undefined): Promise<void> {
    const settlement = { record, counters, hold };
    if (this.writes === 'sync') return this.settlements.submit(settlement);
    this.waiting.push(settlement);
    if (this.writes !== 'on-flush') this.flushTimer ??= setTimeout(() => void this.flush(), this.writes.everyMs).unref();
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const due = this.waiting.splice(0);
    await Promise.all(
      due.map((settlement) =>
        this.settlements.submit(settlement).catch((error: unknown) => {
          // Kept for the next flush: usage is never dropped, and its reservation stays held meanwhile.
          console.error(`Usage settlement failed, to be retried: ${error instanceof Error ? error.message : String(error)}`);
          this.waiting.push(settlement);
          this.flushTimer ??= setTimeout(() => void this.flush(), 1_000).unref();
        }),
      ),
    );
  }

  async release(hold: Hold): Promise<void> {
    await this.released(hold);
  }

  async releaseExpired(counter: Counter, now: number): Promise<number> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: counterKey(counter), ConsistentRead: true }));
    let released = 0;
    for (const hold of expiredReservations(Item ?? {}, now)) if (await this.released(hold)) released++;
    return released;
  }

  /** Read in batches of 100 (DynamoDB's most), again for what a batch left unprocessed. */
  async totals(counters: readonly Counter[]): Promise<CounterTotals[]> {
    const found = new Map<string, Item>();
    for (let start = 0; start < counters.length; start += 100) {
      let keys: Item[] | undefined = counters.slice(start, start + 100).map(counterKey);
      while (keys && keys.length > 0) {
        const reply: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.tableName]: { Keys: keys, ConsistentRead: true, ProjectionExpression: '#pk, #sk, spent, committed', ExpressionAttributeNames: { '#pk': pk, '#sk': sk } },
            },
          }),
        );
        for (const item of reply.Responses?.[this.tableName] ?? []) found.set(`${item[pk]?.S}\n${item[sk]?.S}`, item);
        keys = reply.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return counters.map((counter) => {
      const item = found.get(`${counter.owner}\n${counter.period}`);
      return { spent: Number(item?.spent?.N ?? 0), committed: Number(item?.committed?.N ?? 0) };
    });
  }

  async *usage(keyId: string, from: number, to: number): AsyncIterable<UsageRow> {
    const items = queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
      ExpressionAttributeValues: {
        ':pk': { S: `key#${keyId}` },
        ':from': { S: `use#${hourOf(from)}` },
        // `~` sorts after the `#` that follows the hour, so the last hour's rows are in.
        ':to': { S: `use#${hourOf(to)}~` },
      },
    });
    for await (const item of items) yield rowOf(item);
  }

  /**
   * In as few transactions as fit, each on its own: if a reservation in one was released
   * meanwhile, its settlements go one by one. Answers for each settlement whether it failed.
   */
  private async settleBatch(batch: readonly Settlement[]): Promise<unknown[]> {
    const failures = new Map<Settlement, unknown>();
    const alone = (settlement: Settlement) => this.settleOne(settlement).catch((error: unknown) => void failures.set(settlement, error));
    if (batch.length === 1) await alone(batch[0] as Settlement);
    else {
      for (const { items, settlements } of settlementTransactions(this.tableName, batch)) {
        try {
          await this.send(items, requestIds(settlements));
        } catch (error) {
          if (conditionFailures(error)) await Promise.all(settlements.map(alone));
          else for (const settlement of settlements) failures.set(settlement, error);
        }
      }
    }
    return batch.map((settlement) => failures.get(settlement));
  }

  private async settleOne(settlement: Settlement): Promise<void> {
    try {
      // The usual case: the reservation is still there; replace it by the actual cost.
      await this.send(settlementTransactions(this.tableName, [settlement])[0]?.items ?? [], requestIds([settlement]));
    } catch (error) {
      if (!conditionFailures(error) || !settlement.hold) throw error;
      // The reservation was released as expired meanwhile: add the actual cost on its own.
      await this.send(settlementTransactions(this.tableName, [{ ...settlement, hold: undefined }])[0]?.items ?? [], requestIds([settlement]));
    }
  }

  /** False when the reservation was gone already (settled, or released by someone else). */
  private async released(hold: Hold): Promise<boolean> {
    try {
      await this.send(
        hold.counters.map((counter) => ({ Update: counterUpdate(this.tableName, counter, { committed: -hold.amount }, { release: [hold.requestId] }) })),
        [hold.requestId],
      );
      return true;
    } catch (error) {
      if (conditionFailures(error)) return false;
      throw error;
    }
  }

  /**
   * Sends a transaction for some requests, again when it collided with another write of the
   * same items. Its token, from the requests and the writes, makes it idempotent for ten
   * minutes: a retry after a lost answer is not applied twice, while another request's equal
   * writes are.
   */
  private async send(items: TransactWriteItem[], forRequests: readonly string[]): Promise<void> {
    const token = createHash('sha256').update(JSON.stringify([forRequests, items])).digest('base64url').slice(0, 36);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: token }));
        return;
      } catch (error) {
        const collided = error instanceof TransactionCanceledException && !conditionFailures(error) && (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict');
        if (!collided || attempt >= maxConflictAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
  }
}

/** When settlements are written: see DynamoDbUsageStore. */
export type UsageWrites = 'sync' | 'on-flush' | { everyMs: number };

const maxConflictAttempts = 6;

function requestIds(settlements: readonly Settlement[]): string[] {
  return settlements.map((settlement) => settlement.record.requestId);
}

/** For a transaction cancelled because conditions failed: which items' did (true at their index); else undefined. */
function conditionFailures(error: unknown): boolean[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const failed = (error.CancellationReasons ?? []).map((reason) => reason.Code === 'ConditionalCheckFailed');
  return failed.some(Boolean) ? failed : undefined;
}
