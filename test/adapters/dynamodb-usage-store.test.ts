import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbUsageStore } from '../../lambdas/adapters/dynamodb/dynamodb-usage-store.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import { collect } from '../support/collect.js';
import type { Counter, UsageRecord } from '../../lambdas/ports/usage-store.js';

const client = new DynamoDBClient({
  endpoint: inject('dynamoDbEndpoint'),
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const table = `usage-store-${Date.now()}`;
const store = new DynamoDbUsageStore(client, table);
const later = Date.now() + 60_000;

beforeAll(() => ensureTables(client, { keys: `${table}-keys`, policies: `${table}-policies`, usage: table, directory: `${table}-directory` }));

const month = (owner: string): Counter => ({ owner, period: '2026-11' });
const capped = (owner: string, limit: number) => ({ ...month(owner), limit });
const record = (keyId: string, requestId: string, cost: number, at = Date.parse('2026-11-23T10:00:00Z')): UsageRecord => ({
  requestId,
  keyId,
  at,
  model: 'mock/echo',
  cost,
  inputTokens: 3,
  outputTokens: 4,
  totalTokens: 7,
  extra: { team: 'search' },
});

describe('DynamoDbUsageStore on DynamoDB Local', () => {
  it('reserves up to the limit and no further, then settles each request once at its actual cost', async () => {
    const key = 'key#k1';
    expect(await store.reserve('a', 60, [capped(key, 100)], later)).toBeUndefined();
    expect(await store.reserve('b', 50, [capped(key, 100)], later)).toEqual(capped(key, 100));
    expect(await store.reserve('c', 40, [capped(key, 100)], later)).toBeUndefined();
    expect(await store.totals([month(key)])).toEqual([{ spent: 0, committed: 100 }]);
    const hold = { requestId: 'a', amount: 60, counters: [month(key)] };
    await store.settle(record('k1', 'a', 10), [month(key), month('org')], hold);
    await store.settle(record('k1', 'a', 10), [month(key), month('org')], hold);
    expect(await store.totals([month(key), month('org')])).toEqual([
      { spent: 10, committed: 50 },
      { spent: 10, committed: 10 },
    ]);
    expect(await store.reserve('b', 50, [capped(key, 100)], later)).toBeUndefined();
    expect(await store.reserve('d', 1, [capped(key, 100)], later)).toBeDefined();
    expect(await store.reserve('d', 1, [capped(key, 101)], later)).toBeUndefined(); // a raised limit takes effect at once
  });

  it('reserves on several counters at once or on none, and says which one refused', async () => {
    const counters = [capped('key#k2', 100), capped('group#g2', 1_000), capped('org2', 30)];
    expect(await store.reserve('x', 40, counters, later)).toEqual(counters[2]);
    expect(await store.totals(counters)).toEqual([0, 0, 0].map(() => ({ spent: 0, committed: 0 })));
    expect(await store.reserve('y', 20, counters, later)).toBeUndefined();
    expect(await store.totals(counters)).toEqual([0, 0, 0].map(() => ({ spent: 0, committed: 20 })));
    await store.release({ requestId: 'y', amount: 20, counters });
    await store.release({ requestId: 'y', amount: 20, counters });
    expect(await store.totals(counters)).toEqual([0, 0, 0].map(() => ({ spent: 0, committed: 0 })));
  });

  it('refuses a single request larger than a limit', async () => {
    expect(await store.reserve('x', 11, [capped('key#k3', 10)], later)).toEqual(capped('key#k3', 10));
  });

  it('releases reservations of requests that died on every counter they held, and counts a late settlement once', async () => {
    const counters = [capped('key#k4', 100), capped('org4', 100)];
    expect(await store.reserve('dead', 80, counters, Date.now() - 1)).toBeUndefined();
    expect(await store.reserve('alive', 10, counters, later)).toBeUndefined();
    expect(await store.releaseExpired(month('org4'), Date.now())).toBe(1);
    expect(await store.totals(counters)).toEqual([
      { spent: 0, committed: 10 },
      { spent: 0, committed: 10 },
    ]);
    expect(await store.releaseExpired(month('key#k4'), Date.now())).toBe(0);
    const hold = { requestId: 'dead', amount: 80, counters };
    await store.settle(record('k4', 'dead', 30), counters, hold);
    await store.settle(record('k4', 'dead', 30), counters, hold);
    expect(await store.totals(counters)).toEqual([
      { spent: 30, committed: 40 },
      { spent: 30, committed: 40 },
    ]);
  });

  it('returns the records of a key in a time range, oldest first', async () => {
    const at = (iso: string) => Date.parse(iso);
    for (const [id, time] of [['r2', '2026-11-02T00:00:00.000Z'], ['r1', '2026-11-01T00:00:00.000Z'], ['r3', '2026-11-03T00:00:00.000Z']] as const) {
      await store.settle(record('k5', id, 5, at(time)), [month('key#k5')], undefined);
    }
    const ids = async (from: string, to: string) => (await collect(store.records('k5', at(from), at(to)))).map((r) => r.requestId);
    expect(await ids('2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')).toEqual(['r1', 'r2']);
    expect(await ids('2026-11-01T00:00:01Z', '2026-11-30T00:00:00Z')).toEqual(['r2', 'r3']);
    const [first] = await collect(store.records('k5', at('2026-11-01T00:00:00Z'), at('2026-11-01T00:00:00Z')));
    expect(first).toEqual(record('k5', 'r1', 5, at('2026-11-01T00:00:00Z')));
  });

  it('lets monthly counters expire long after their month, and keeps all-time counters', async () => {
    await store.settle(record('k6', 'q', 1), [month('key#k6'), { owner: 'org6', period: 'all' }], undefined);
    const item = async (owner: string, period: string) =>
      (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: owner }, sk: { S: period } } }))).Item;
    expect(Number((await item('key#k6', '2026-11'))?.expires_at?.N)).toBe(Date.UTC(2026, 11, 1) / 1000 + 400 * 86_400);
    expect((await item('org6', 'all'))?.expires_at).toBeUndefined();
  });
});
