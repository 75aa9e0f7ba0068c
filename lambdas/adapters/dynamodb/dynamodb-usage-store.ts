import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { SpendSubjects } from '../../core/alerts/crossed-alerts.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { UsageDeadLetters } from '../../ports/usage-dead-letters.js';
import type { CappedCounter, Counter, CounterTotals, Hold, Reservation, Settlement, UsageRecord, UsageRow, UsageStore } from '../../ports/usage-store.js';
import { loggedDeadLetters } from '../dead-letters/logged-usage-dead-letters.js';
import { queryAll } from './query-all.js';
import { SettlementWriter } from './settlement-writer.js';
import { usageTableSchema } from './table-names.js';
import { transactWrite } from './transact-write.js';
import {
  counterKey,
  counterUpdate,
  expiredReservations,
  hourOf,
  markReleased,
  number,
  orgUsagePartition,
  reservationPrefix,
  reservationValue,
  rowOf,
  type Item,
} from './usage-items.js';
import { conditionFailures, defaultWriteRetries, type WriteRetries } from './write-failure.js';

const { partitionKey: pk, sortKey: sk } = usageTableSchema;

export interface UsageStoreOptions {
  /** Where settlements go that cannot be written; by default, whole into the log. */
  deadLetters?: UsageDeadLetters;
  retries?: Partial<WriteRetries>;
  /**
   * Settlements without a hold are recorded as one item each (PutItem, 1 write unit) for the
   * usage fold (lambdas/handlers/usage-fold.ts) to add to the counters from the table's
   * stream, instead of settled here by transaction (10 write units). Only where that fold runs.
   */
  foldUnheld?: boolean;
  clock?: Clock;
}

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
 *
 * One settlement never fails another, and what cannot be written goes to `deadLetters`
 * (see SettlementWriter).
 */
export class DynamoDbUsageStore implements UsageStore {
  private readonly waiting: Settlement[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly writer: SettlementWriter;
  readonly foldsUnheld: boolean;
  private readonly clock: Clock;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly writes: UsageWrites = 'sync',
    options: UsageStoreOptions = {},
  ) {
    this.writer = new SettlementWriter(client, tableName, options.deadLetters ?? loggedDeadLetters, { ...defaultWriteRetries, ...options.retries });
    this.foldsUnheld = options.foldUnheld ?? false;
    this.clock = options.clock ?? systemClock;
  }

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
      await transactWrite(this.client, updates.map((Update) => ({ Update })), [requestId]);
      return { held: true, committed: undefined };
    } catch (error) {
      const failed = conditionFailures(error);
      if (!failed) throw error;
      return { held: false, refusedBy: capped[Math.max(0, failed.findIndex(Boolean))] as Counter };
    }
  }

  settle(record: UsageRecord, counters: readonly Counter[], hold: Hold | undefined, subjects?: SpendSubjects): Promise<void> {
    const settlement = { record, counters, hold, subjects };
    if (this.writes === 'sync') return this.written([settlement]);
    this.waiting.push(settlement);
    if (this.writes !== 'on-flush') this.flushTimer ??= setTimeout(() => void this.flush(), this.writes.everyMs).unref();
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const due = this.waiting.splice(0);
    if (due.length > 0) void this.written(due);
    await this.writer.settled();
  }

  private async written(settlements: readonly Settlement[]): Promise<void> {
    const folded = (settlement: Settlement) => this.foldsUnheld && !settlement.hold;
    await Promise.all([this.writer.write(settlements.filter((s) => !folded(s))), this.writer.record(settlements.filter(folded), this.clock.now())]);
  }

  /** Writes a dead-lettered settlement again (npm run replay-usage), at most once per request; throws when it still fails. */
  replay(settlement: Settlement): Promise<'written' | 'already written'> {
    return this.writer.replay(settlement);
  }

  async release(hold: Hold): Promise<void> {
    await this.released(hold);
  }

  async releaseExpired(counter: Counter, now: number): Promise<number> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: counterKey(counter), ConsistentRead: true }));
    let released = 0;
    for (const hold of expiredReservations(Item ?? {}, now)) if (await this.released(hold, now)) released++;
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

  usage(keyId: string, from: number, to: number): AsyncIterable<UsageRow> {
    return this.rowsOf(`key#${keyId}`, from, to);
  }

  orgUsage(from: number, to: number): AsyncIterable<UsageRow> {
    return this.rowsOf(orgUsagePartition, from, to);
  }

  private async *rowsOf(partition: string, from: number, to: number): AsyncIterable<UsageRow> {
    const items = queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
      ExpressionAttributeValues: {
        ':pk': { S: partition },
        ':from': { S: `use#${hourOf(from)}` },
        // `~` sorts after the `#` that follows the hour, so the last hour's rows are in.
        ':to': { S: `use#${hourOf(to)}~` },
      },
    });
    for await (const item of items) yield rowOf(item);
  }

  /**
   * False when the reservation was gone already (settled, or released by someone else). Given
   * `expiredAt`, the request is marked as released for having expired, for its late settlement.
   */
  private async released(hold: Hold, expiredAt?: number): Promise<boolean> {
    try {
      await transactWrite(
        this.client,
        [
          ...hold.counters.map((counter) => ({ Update: counterUpdate(this.tableName, counter, { committed: -hold.amount }, { release: [hold.requestId] }) })),
          ...(expiredAt === undefined ? [] : [{ Update: markReleased(this.tableName, hold.requestId, expiredAt) }]),
        ],
        [hold.requestId],
      );
      return true;
    } catch (error) {
      if (conditionFailures(error)) return false;
      throw error;
    }
  }
}

/** When settlements are written: see DynamoDbUsageStore. */
export type UsageWrites = 'sync' | 'on-flush' | { everyMs: number };
