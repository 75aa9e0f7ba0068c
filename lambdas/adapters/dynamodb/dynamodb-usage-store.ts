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
import type { UsageDeadLetters } from '../../ports/usage-dead-letters.js';
import type { CappedCounter, Counter, CounterTotals, Hold, Reservation, Settlement, UsageRecord, UsageRow, UsageStore } from '../../ports/usage-store.js';
import { loggedDeadLetters } from '../dead-letters/logged-usage-dead-letters.js';
import { GroupCommit } from './group-commit.js';
import { queryAll } from './query-all.js';
import { usageTableSchema } from './table-names.js';
import {
  counterKey,
  counterUpdate,
  expiredReservations,
  hourOf,
  markReleased,
  markSettled,
  number,
  reservationPrefix,
  reservationValue,
  rowOf,
  settlementTransactions,
  type Item,
} from './usage-items.js';
import { conditionFailures, failureReason, isRetryable } from './write-failure.js';

const { partitionKey: pk, sortKey: sk } = usageTableSchema;

/** How a failed settlement write is tried again before it is dead-lettered. */
export interface WriteRetries {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the second try; each later one waits four times as long. */
  firstDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export interface UsageStoreOptions {
  /** Where settlements go that cannot be written; by default, whole into the log. */
  deadLetters?: UsageDeadLetters;
  retries?: Partial<WriteRetries>;
}

/** 100 ms, 400 ms, 1.6 s: about two seconds, well inside an invocation that ends after them. */
const defaultRetries: WriteRetries = { attempts: 4, firstDelayMs: 100, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

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
 * One settlement never fails another: a transaction that fails is tried again as it was (its
 * token makes that safe) while the failure may pass, then its settlements one by one, each
 * again a few times with backoff; one that still cannot be written goes to `deadLetters`.
 */
export class DynamoDbUsageStore implements UsageStore {
  private readonly waiting: Settlement[] = [];
  private readonly writing = new Set<Promise<void>>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly settlements = new GroupCommit<Settlement>((batch) => this.settleBatch(batch));
  private readonly deadLetters: UsageDeadLetters;
  private readonly retries: WriteRetries;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly writes: UsageWrites = 'sync',
    options: UsageStoreOptions = {},
  ) {
    this.deadLetters = options.deadLetters ?? loggedDeadLetters;
    this.retries = { ...defaultRetries, ...options.retries };
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
    if (this.writes === 'sync') return this.write([settlement]);
    this.waiting.push(settlement);
    if (this.writes !== 'on-flush') this.flushTimer ??= setTimeout(() => void this.flush(), this.writes.everyMs).unref();
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const due = this.waiting.splice(0);
    if (due.length > 0) void this.write(due);
    await Promise.all(this.writing);
  }

  /**
   * Writes a dead-lettered settlement again (npm run replay-usage), at most once per request:
   * a held settlement is guarded by its reservation (and, once that expired, by the request's
   * marker), one that held nothing by the marker this writes. Throws when it still fails.
   */
  async replay(settlement: Settlement): Promise<'written' | 'already written'> {
    if (settlement.hold) {
      try {
        await this.send(settlementTransactions(this.tableName, [settlement])[0]?.items ?? [], requestIds([settlement]));
        return 'written';
      } catch (error) {
        if (!conditionFailures(error)) throw error;
      }
    }
    return (await this.settleMarked(settlement, { afterRelease: settlement.hold !== undefined })) ? 'written' : 'already written';
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

  /** Written, or dead-lettered; never rejects: what cannot even be dead-lettered is logged whole. */
  private write(settlements: readonly Settlement[]): Promise<void> {
    const done = Promise.all(
      settlements.map((settlement) => this.settlements.submit(settlement).catch((error: unknown) => logLost(settlement, error))),
    ).then(() => undefined);
    this.writing.add(done);
    void done.finally(() => this.writing.delete(done));
    return done;
  }

  /**
   * In as few transactions as fit; a transaction that fails (a reservation in it released
   * meanwhile, a settlement DynamoDB refuses, a failure that outlasts the retries) goes again
   * settlement by settlement. Answers for each settlement whether even dead-lettering failed.
   */
  private async settleBatch(batch: readonly Settlement[]): Promise<unknown[]> {
    const failures = new Map<Settlement, unknown>();
    const alone = (settlement: Settlement) => this.settleAlone(settlement).catch((error: unknown) => void failures.set(settlement, error));
    // A settlement the items cannot even be made of (it would throw here) fails only itself, alone.
    const transactions = batch.length === 1 ? undefined : attempt(() => settlementTransactions(this.tableName, batch));
    if (!transactions) await Promise.all(batch.map(alone));
    else {
      for (const { items, settlements } of transactions) {
        const failed = await this.retried(() => this.send(items, requestIds(settlements)));
        if (failed) await Promise.all(settlements.map(alone));
      }
    }
    return batch.map((settlement) => failures.get(settlement));
  }

  /** Written, with retries, or dead-lettered; rejects only when the dead letter could not be stored. */
  private async settleAlone(settlement: Settlement): Promise<void> {
    const failed = await this.retried(() => this.settleOne(settlement));
    if (!failed) return;
    const reason = failureReason(failed.error);
    const notStored = await this.retried(() => this.deadLetters.put(settlement, reason), () => true);
    if (notStored) throw notStored.error;
    const { requestId, keyId } = settlement.record;
    console.error(
      `Usage of request ${requestId} (key ${keyId}) could not be written (${reason.message}); it waits in ${this.deadLetters.description} for npm run replay-usage.`,
    );
  }

  private async settleOne(settlement: Settlement): Promise<void> {
    try {
      // The usual case: the reservation is still there; replace it by the actual cost.
      await this.send(settlementTransactions(this.tableName, [settlement])[0]?.items ?? [], requestIds([settlement]));
    } catch (error) {
      if (!conditionFailures(error) || !settlement.hold) throw error;
      // The reservation is gone: released as expired (its request presumed dead), then the cost
      // is added on its own, once; or this very settlement was written by an earlier try.
      await this.settleMarked(settlement, { afterRelease: true });
    }
  }

  /**
   * Adds a settlement without its reservation, together with the request's marker; false
   * when the marker says it was settled already (or, `afterRelease`, that its reservation was
   * never released, so the settlement that removed it was this one).
   */
  private async settleMarked(settlement: Settlement, { afterRelease }: { afterRelease: boolean }): Promise<boolean> {
    const unheld = { ...settlement, hold: undefined };
    const items = settlementTransactions(this.tableName, [unheld])[0]?.items ?? [];
    try {
      await this.send([...items, { Update: markSettled(this.tableName, settlement.record, { afterRelease }) }], requestIds([settlement]));
      return true;
    } catch (error) {
      if (conditionFailures(error)) return false;
      throw error;
    }
  }

  /** Runs `work`, again after a backoff while its failure may pass; the last failure when it did not succeed. */
  private async retried(work: () => Promise<unknown>, retryable: (error: unknown) => boolean = isRetryable): Promise<{ error: unknown } | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        await work();
        return undefined;
      } catch (error) {
        if (attempt >= this.retries.attempts || !retryable(error)) return { error };
        await this.retries.sleep(this.retries.firstDelayMs * 4 ** (attempt - 1));
      }
    }
  }

  /**
   * False when the reservation was gone already (settled, or released by someone else). Given
   * `expiredAt`, the request is marked as released for having expired, for its late settlement.
   */
  private async released(hold: Hold, expiredAt?: number): Promise<boolean> {
    try {
      await this.send(
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

function attempt<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** The last resort: the settlement whole in the log, in the dead-letter format, so it can still be replayed from there. */
function logLost(settlement: Settlement, error: unknown): void {
  const letter = { settlement, reason: failureReason(error), at: Date.now() };
  console.error(`Usage of request ${settlement.record.requestId} could not be written nor dead-lettered; replay this line: ${JSON.stringify(letter)}`);
}
