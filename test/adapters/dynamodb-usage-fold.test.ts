import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAlertMarkers } from '../../lambdas/adapters/dynamodb/dynamodb-alert-markers.js';
import { DynamoDbUsageFolder } from '../../lambdas/adapters/dynamodb/dynamodb-usage-folder.js';
import { DynamoDbUsageStore } from '../../lambdas/adapters/dynamodb/dynamodb-usage-store.js';
import { unfoldedOf } from '../../lambdas/adapters/dynamodb/unfolded-usage.js';
import { unfoldedSettlements } from '../../lambdas/adapters/dynamodb/scan-unfolded-usage.js';
import { foldLeftovers } from '../../scripts/fold-usage/fold-leftovers.js';
import { markerKey } from '../../lambdas/adapters/dynamodb/usage-items.js';
import type { AlertEvent } from '../../lambdas/core/alerts/alert-event.js';
import type { SpendSubjects } from '../../lambdas/core/alerts/crossed-alerts.js';
import { SpendAlertWatch } from '../../lambdas/gateway/alerts/alert-watch.js';
import { foldBatch, type FoldRecord, type UsageFoldDeps } from '../../lambdas/handlers/usage-fold-batch.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import type { DeadLetterReason, UsageDeadLetters } from '../../lambdas/ports/usage-dead-letters.js';
import type { Counter, Settlement, UsageRow } from '../../lambdas/ports/usage-store.js';
import { collect } from '../support/collect.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';
import { usageRecord } from '../support/usage-records.js';

/**
 * The usage fold on DynamoDB Local: the router records a settlement without a hold as one
 * item, and the fold, given stream records made from the items as written (read back), counts
 * exactly what the settlement transactions count, once, however often a batch comes again.
 */
const client = testDynamoDbClient();
const stamp = Date.now();
const tables = { transacted: `fold-tx-${stamp}`, folded: `fold-fd-${stamp}` };
const quick = { firstDelayMs: 1, sleep: async () => undefined, attempts: 4 };
const nov = Date.parse('2026-11-23T10:00:00Z');
const hour = 3_600_000;

beforeAll(async () => {
  for (const table of Object.values(tables)) await ensureTables(client, { keys: `${table}-keys`, policies: `${table}-policies`, usage: table, directory: `${table}-directory` });
});

const recorder = (table: string) => new DynamoDbUsageStore(client, table, 'on-flush', { foldUnheld: true, retries: quick });
/** A recording fake of the dead-letter port (the folder under test is the real DynamoDB one). */
class RecordingDeadLetters implements UsageDeadLetters {
  readonly description = 'memory';
  readonly letters: { settlement: Settlement; reason: DeadLetterReason }[] = [];
  async put(settlement: Settlement, reason: DeadLetterReason): Promise<void> {
    this.letters.push({ settlement, reason });
  }
}
const folder = (table: string, deadLetters: UsageDeadLetters = new RecordingDeadLetters(), on = client) => new DynamoDbUsageFolder(on, table, deadLetters, quick);
const reader = (table: string) => new DynamoDbUsageStore(client, table);

const silentAlerts = { noted: () => undefined, flush: async () => undefined };
const deps = (table: string, alerts: UsageFoldDeps['alerts'] = silentAlerts, fold = folder(table)): UsageFoldDeps => ({ decode: unfoldedOf, folder: fold, alerts, log: () => undefined });

/** The stream record DynamoDB would emit for the item as it is stored now. */
async function streamRecord(table: string, requestId: string, sequence: number): Promise<FoldRecord> {
  const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: markerKey(requestId), ConsistentRead: true }));
  expect(Item?.usage?.S).toBeDefined();
  return { sequenceNumber: String(sequence).padStart(21, '0'), image: Item };
}

function subjectsOf(keyId: string, groupId?: string, userId?: string): SpendSubjects {
  return {
    region: 'us-east-1',
    period: { id: '2026-11', end: Date.parse('2026-12-01T00:00:00Z') },
    key: { id: keyId, name: `name of ${keyId}` },
    ...(groupId ? { group: { id: groupId, name: `group ${groupId}` } } : {}),
    org: { name: 'Org' },
    ...(userId ? { userId } : {}),
  };
}

/** Settlements of several keys, hours, groups, users and models, from a seeded generator. */
function traffic(prefix: string, count: number, seed: number): { settlement: Settlement; subjects: SpendSubjects }[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % n;
  };
  return Array.from({ length: count }, (_, index) => {
    const keyId = `${prefix}-k${next(4)}`;
    const groupId = next(2) === 0 ? `${prefix}-g${next(2)}` : undefined;
    const userId = next(3) === 0 ? undefined : `u${next(2)}`;
    const record = usageRecord(keyId, `${prefix}-r${index}`, 1 + next(5_000), {
      at: nov + next(3) * hour + next(1_000),
      model: next(2) === 0 ? 'mock/echo' : 'openai/gpt-4o-mini',
      extra: next(2) === 0 ? {} : { team: `t${next(2)}` },
      ...(userId ? { userId } : {}),
      ...(groupId ? { groupId, groupName: `group ${groupId}` } : {}),
    });
    const month = (owner: string): Counter => ({ owner, period: '2026-11' });
    const counters = [month(`key#${keyId}`), month('org'), { owner: 'org', period: 'all' }, ...(groupId ? [month(`group#${groupId}`)] : []), ...(userId ? [month(`user#${userId}`)] : [])];
    return { settlement: { record, counters, hold: undefined }, subjects: subjectsOf(keyId, groupId, userId) };
  });
}

async function record(table: string, entries: readonly { settlement: Settlement; subjects?: SpendSubjects }[]): Promise<FoldRecord[]> {
  const store = recorder(table);
  for (const { settlement, subjects } of entries) await store.settle(settlement.record, settlement.counters, settlement.hold, subjects);
  await store.flush();
  return Promise.all(entries.map(({ settlement }, index) => streamRecord(table, settlement.record.requestId, index + 1)));
}

async function transact(table: string, entries: readonly { settlement: Settlement }[]): Promise<void> {
  const store = new DynamoDbUsageStore(client, table, 'on-flush', { retries: quick });
  for (const { settlement } of entries) await store.settle(settlement.record, settlement.counters, settlement.hold);
  await store.flush();
}

/** Every counter and usage row the entries touch, as one comparable picture. */
async function picture(table: string, entries: readonly { settlement: Settlement }[]) {
  const counters = new Map<string, Counter>();
  for (const { settlement } of entries) for (const counter of settlement.counters) counters.set(`${counter.owner} ${counter.period}`, counter);
  const totals = await reader(table).totals([...counters.values()]);
  const keys = [...new Set(entries.map(({ settlement }) => settlement.record.keyId))].sort();
  const sorted = (rows: UsageRow[]) => rows.map((row) => JSON.stringify(row)).sort();
  const rows = await Promise.all(keys.map(async (key) => sorted(await collect(reader(table).usage(key, nov, nov + 4 * hour)))));
  const orgRows = sorted((await collect(reader(table).orgUsage(nov, nov + 4 * hour))).filter((row) => keys.includes(row.keyId)));
  return { counters: Object.fromEntries([...counters.keys()].map((id, index) => [id, totals[index]?.spent])), rows, orgRows };
}

async function spentOf(table: string, counters: Counter[]): Promise<number[]> {
  return (await reader(table).totals(counters)).map((total) => total.spent);
}

describe('the router records a settlement without a hold', () => {
  it('as one item, written once however often it is put, and adds nothing until folded', async () => {
    const [entry] = traffic('once', 1, 7);
    if (!entry) throw new Error('no traffic');
    const [first] = await record(tables.folded, [entry]);
    const [again] = await record(tables.folded, [{ ...entry, settlement: { ...entry.settlement, record: { ...entry.settlement.record, cost: 999_999 } } }]);
    expect(again?.image).toEqual(first?.image);
    expect(unfoldedOf(first?.image).settlement.record).toEqual(entry.settlement.record);
    expect(await spentOf(tables.folded, [...entry.settlement.counters])).toEqual(entry.settlement.counters.map(() => 0));
  });

  it('settles a request that held a reservation by transaction, at once', async () => {
    const store = recorder(tables.folded);
    const counter = { owner: 'key#capped', period: '2026-11' };
    expect(await store.reserve('held-1', 500, [{ ...counter, limit: 10_000 }], Date.now() + 60_000)).toMatchObject({ held: true });
    await store.settle(usageRecord('capped', 'held-1', 120), [counter], { requestId: 'held-1', amount: 500, counters: [counter] });
    await store.flush();
    expect(await reader(tables.folded).totals([counter])).toEqual([{ spent: 120, committed: 120 }]);
    const { Item } = await client.send(new GetItemCommand({ TableName: tables.folded, Key: markerKey('held-1'), ConsistentRead: true }));
    expect(Item).toBeUndefined();
  });
});

describe('the fold', () => {
  it('counts exactly what the settlement transactions count, in batches of any size', async () => {
    for (const [seed, size] of [
      [1, 1],
      [2, 7],
      [3, 40],
      [4, 100],
    ] as const) {
      const entries = traffic(`eq${seed}`, 60, seed);
      await transact(tables.transacted, entries);
      const records = await record(tables.folded, entries);
      for (let start = 0; start < records.length; start += size) {
        expect(await foldBatch(records.slice(start, start + size), deps(tables.folded))).toBeUndefined();
      }
      const expected = await picture(tables.transacted, entries);
      expect(Object.values(expected.counters).every((spent) => (spent ?? 0) > 0)).toBe(true);
      expect(await picture(tables.folded, entries)).toEqual(expected);
    }
  });

  it('counts a redelivered batch, and a batch partly applied before, once', async () => {
    const entries = traffic('redo', 30, 11);
    await transact(tables.transacted, entries);
    const records = await record(tables.folded, entries);
    await foldBatch(records.slice(0, 12), deps(tables.folded));
    await foldBatch(records.slice(5, 20), deps(tables.folded));
    expect(await foldBatch(records, deps(tables.folded))).toBeUndefined();
    expect(await foldBatch(records, deps(tables.folded))).toBeUndefined();
    expect(await picture(tables.folded, entries)).toEqual(await picture(tables.transacted, entries));
  });

  it('counts a replayed dead letter once, replayed before or after the fold', async () => {
    const entries = traffic('replay', 6, 5);
    await transact(tables.transacted, entries);
    const records = await record(tables.folded, entries);
    const store = recorder(tables.folded);
    const [early, late] = [entries.slice(0, 3), entries.slice(3)];
    for (const { settlement } of early) expect(await store.replay(settlement)).toBe('written');
    await foldBatch(records.slice(3), deps(tables.folded));
    for (const { settlement } of late) expect(await store.replay(settlement)).toBe('already written');
    await foldBatch(records, deps(tables.folded));
    // (Within ten minutes a transaction made again with the same token is answered as written, not applied again.)
    for (const { settlement } of early) await store.replay(settlement);
    expect(await foldBatch(records, deps(tables.folded))).toBeUndefined();
    expect(await picture(tables.folded, entries)).toEqual(await picture(tables.transacted, entries));
  });

  it('resumes from the first record it could not count, and skips one that holds no settlement', async () => {
    const entries = traffic('stop', 5, 3);
    const records = await record(tables.folded, entries);
    const nowhere = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
    expect(await foldBatch(records, deps(tables.folded, silentAlerts, folder(tables.folded, new RecordingDeadLetters(), nowhere)))).toBe(records[0]?.sequenceNumber);
    const broken = [...records.slice(0, 2), { sequenceNumber: 'bad', image: { usage: { S: '{}' } } }, ...records.slice(2)];
    expect(await foldBatch(broken, deps(tables.folded))).toBeUndefined();
    await transact(tables.transacted, entries);
    expect(await picture(tables.folded, entries)).toEqual(await picture(tables.transacted, entries));
  });

  it('dead-letters a settlement DynamoDB refuses, counts the others, and its replay counts it once', async () => {
    const entries = traffic('poison', 4, 9);
    const poisoned = entries[1];
    if (!poisoned) throw new Error('no traffic');
    poisoned.settlement = { ...poisoned.settlement, record: { ...poisoned.settlement.record, extra: { '': 'x' } } };
    const records = await record(tables.folded, entries);
    const deadLetters = new RecordingDeadLetters();
    expect(await foldBatch(records, deps(tables.folded, silentAlerts, folder(tables.folded, deadLetters)))).toBeUndefined();
    expect(deadLetters.letters.map((letter) => [letter.settlement.record.requestId, letter.reason.rejected])).toEqual([[poisoned.settlement.record.requestId, true]]);
    const healthy = entries.filter((entry) => entry !== poisoned);
    await transact(tables.transacted, healthy);
    expect(await picture(tables.folded, healthy)).toEqual(await picture(tables.transacted, healthy));
    // Fixed (as an operator edits a letters file) and replayed: counted once, the fold's redelivery adds nothing.
    const fixed = { ...poisoned.settlement, record: { ...poisoned.settlement.record, extra: { team: 'x' } } };
    expect(await recorder(tables.folded).replay(fixed)).toBe('written');
    expect(await foldBatch(records, deps(tables.folded))).toBeUndefined();
    await transact(tables.transacted, [{ settlement: fixed }]);
    expect(await picture(tables.folded, entries)).toEqual(await picture(tables.transacted, entries));
  });

  it('announces a crossed alert once, also when the batch comes again', async () => {
    const published: AlertEvent[] = [];
    const watch = new SpendAlertWatch({
      rules: async () => [{ id: 'a1', type: 'key.budget.exceeded_absolute', threshold: 1_000, keyId: 'alert-k', createdAt: 0 }],
      usage: reader(tables.folded),
      markers: new DynamoDbAlertMarkers(client, tables.folded),
      groupAdmins: async () => [],
      publisher: { publish: async (events) => (published.push(...events), []), flush: async () => undefined },
      clock: { now: () => nov + hour },
      region: 'us-east-1',
      timing: 'after-response',
      log: () => undefined,
    });
    const entries = [400, 500, 300].map((cost, index) => ({
      settlement: { record: usageRecord('alert-k', `alert-r${index}`, cost), counters: [{ owner: 'key#alert-k', period: '2026-11' }], hold: undefined },
      subjects: subjectsOf('alert-k'),
    }));
    const records = await record(tables.folded, entries);
    await foldBatch(records.slice(0, 2), deps(tables.folded, watch));
    expect(published).toEqual([]);
    await foldBatch(records, deps(tables.folded, watch));
    await foldBatch(records, deps(tables.folded, watch));
    expect(published.map((event) => event.payload)).toHaveLength(1);
  });
});

describe('npm run fold-usage', () => {
  it('counts, once, what the fold left behind, and only what was recorded before the given time', async () => {
    const fresh = { transacted: `left-tx-${stamp}`, folded: `left-fd-${stamp}` };
    for (const table of Object.values(fresh)) await ensureTables(client, { keys: `${table}-keys`, policies: `${table}-policies`, usage: table, directory: `${table}-directory` });
    const entries = traffic('left', 30, 13);
    await transact(fresh.transacted, entries);
    const records = await record(fresh.folded, entries);
    // The fold counted the first batch, then gave the rest up.
    expect(await foldBatch(records.slice(0, 10), deps(fresh.folded))).toBeUndefined();

    expect(await collect(unfoldedSettlements(client, fresh.folded, Date.now() - 60 * 60_000))).toEqual([]);
    const leftBehind = await collect(unfoldedSettlements(client, fresh.folded, Date.now() + 1_000));
    expect(leftBehind.map(({ settlement }) => settlement.record.requestId).sort()).toEqual(entries.slice(10).map(({ settlement }) => settlement.record.requestId).sort());

    expect(await foldLeftovers(unfoldedSettlements(client, fresh.folded, Date.now() + 1_000), folder(fresh.folded), 7)).toEqual({ counted: 20, left: 0 });
    expect(await foldLeftovers(unfoldedSettlements(client, fresh.folded, Date.now() + 1_000), folder(fresh.folded))).toEqual({ counted: 0, left: 0 });
    // The live fold bringing the whole stream again counts nothing twice either.
    expect(await foldBatch(records, deps(fresh.folded))).toBeUndefined();
    expect(await picture(fresh.folded, entries)).toEqual(await picture(fresh.transacted, entries));
  });
});
