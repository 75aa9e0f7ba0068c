import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbUsageStore } from '../../lambdas/adapters/dynamodb/dynamodb-usage-store.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import { collect } from '../support/collect.js';
import type { Counter, UsageRecord, UsageRow } from '../../lambdas/ports/usage-store.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';
import { november, usageRecord } from '../support/usage-records.js';

const client = testDynamoDbClient();
const table = `usage-store-${Date.now()}`;
const store = new DynamoDbUsageStore(client, table);
const later = Date.now() + 60_000;

beforeAll(() => ensureTables(client, { keys: `${table}-keys`, policies: `${table}-policies`, usage: table, directory: `${table}-directory` }));

const month = november;
const capped = (owner: string, limit: number) => ({ ...month(owner), limit });
const record = (keyId: string, requestId: string, cost: number, at?: number) => usageRecord(keyId, requestId, cost, at === undefined ? {} : { at });

describe('DynamoDbUsageStore on DynamoDB Local', () => {
  it('reserves up to the limit and no further, then settles each request once at its actual cost', async () => {
    const key = 'key#k1';
    expect((await store.reserve('a', 60, [capped(key, 100)], later)).held).toBe(true);
    expect(await store.reserve('b', 50, [capped(key, 100)], later)).toEqual({ held: false, refusedBy: capped(key, 100), committed: 60 });
    // With one capped counter, the reservation says what is committed now.
    expect(await store.reserve('c', 40, [capped(key, 100)], later)).toEqual({ held: true, committed: [100] });
    expect(await store.totals([month(key)])).toEqual([{ spent: 0, committed: 100 }]);
    const hold = { requestId: 'a', amount: 60, counters: [month(key)] };
    await store.settle(record('k1', 'a', 10), [month(key), month('org')], hold);
    // A retried write (same request, same transaction token) is not counted again.
    await store.settle(record('k1', 'a', 10), [month(key), month('org')], hold);
    expect(await store.totals([month(key), month('org')])).toEqual([
      { spent: 10, committed: 50 },
      { spent: 10, committed: 10 },
    ]);
    expect((await store.reserve('b', 50, [capped(key, 100)], later)).held).toBe(true);
    expect((await store.reserve('d', 1, [capped(key, 100)], later)).held).toBe(false);
    expect((await store.reserve('d', 1, [capped(key, 101)], later)).held).toBe(true); // a raised limit takes effect at once
  });

  it('reserves on several counters at once or on none, and says which one refused', async () => {
    const counters = [capped('key#k2', 100), capped('group#g2', 1_000), capped('org2', 30)];
    expect(await store.reserve('x', 40, counters, later)).toEqual({ held: false, refusedBy: counters[2] });
    expect(await store.totals(counters)).toEqual([0, 0, 0].map(() => ({ spent: 0, committed: 0 })));
    expect((await store.reserve('y', 20, counters, later)).held).toBe(true);
    expect(await store.totals(counters)).toEqual([0, 0, 0].map(() => ({ spent: 0, committed: 20 })));
    await store.release({ requestId: 'y', amount: 20, counters });
    await store.release({ requestId: 'y', amount: 20, counters });
    expect(await store.totals(counters)).toEqual([0, 0, 0].map(() => ({ spent: 0, committed: 0 })));
  });

  it('counts two requests that cost, use and are counted alike as two', async () => {
    await store.settle(record('k12', 'first', 5), [month('key#k12')], undefined);
    await store.settle(record('k12', 'second', 5), [month('key#k12')], undefined);
    expect(await store.totals([month('key#k12')])).toEqual([{ spent: 10, committed: 10 }]);
  });

  it('holds a reservation once, however often the write is retried', async () => {
    const counter = capped('key#k10', 100);
    expect(await store.reserve('again', 30, [counter], later)).toEqual({ held: true, committed: [30] });
    expect(await store.reserve('again', 30, [counter], later)).toEqual({ held: true, committed: [30] });
    const two = [capped('key#k11', 100), capped('org11', 100)];
    expect((await store.reserve('again', 30, two, later)).held).toBe(true);
    expect((await store.reserve('again', 30, two, later)).held).toBe(true);
    expect(await store.totals([counter, ...two])).toEqual([0, 0, 0].map(() => ({ spent: 0, committed: 30 })));
  });

  it('refuses a single request larger than a limit', async () => {
    expect(await store.reserve('x', 11, [capped('key#k3', 10)], later)).toEqual({ held: false, refusedBy: capped('key#k3', 10) });
  });

  it('releases reservations of requests that died on every counter they held, and still counts their late settlement', async () => {
    const counters = [capped('key#k4', 100), capped('org4', 100)];
    expect((await store.reserve('dead', 80, counters, Date.now() - 1)).held).toBe(true);
    expect((await store.reserve('alive', 10, counters, later)).held).toBe(true);
    expect(await store.releaseExpired(month('org4'), Date.now())).toBe(1);
    expect(await store.totals(counters)).toEqual([
      { spent: 0, committed: 10 },
      { spent: 0, committed: 10 },
    ]);
    expect(await store.releaseExpired(month('key#k4'), Date.now())).toBe(0);
    const hold = { requestId: 'dead', amount: 80, counters };
    await store.settle(record('k4', 'dead', 30), counters, hold);
    expect(await store.totals(counters)).toEqual([
      { spent: 30, committed: 40 },
      { spent: 30, committed: 40 },
    ]);
  });

  it("adds each request to its hour's usage row of the same model, user and extra values, and returns a range of hours", async () => {
    const at = (iso: string) => Date.parse(iso);
    const settle = (id: string, iso: string, extra: Record<string, string> = {}) =>
      store.settle({ ...record('k5', id, 5, at(iso)), extra }, [month('key#k5')], undefined);
    await Promise.all([
      settle('r1', '2026-11-01T00:10:00Z'),
      settle('r2', '2026-11-01T00:50:00Z'),
      settle('r3', '2026-11-01T00:55:00Z', { team: 'b' }),
      settle('r4', '2026-11-01T01:00:00Z'),
      settle('r5', '2026-11-03T00:00:00Z'),
    ]);
    const rows = (from: string, to: string) => collect(store.usage('k5', at(from), at(to)));
    const firstHour = await rows('2026-11-01T00:30:00Z', '2026-11-01T00:30:00Z');
    expect(firstHour).toHaveLength(2);
    expect(firstHour).toContainEqual({
      keyId: 'k5',
      hour: at('2026-11-01T00:00:00Z'),
      model: 'mock/echo',
      extra: {},
      requests: 2,
      cost: 10,
      inputTokens: 6,
      outputTokens: 8,
      totalTokens: 14,
      cachedTokens: 0,
    });
    expect(firstHour).toContainEqual(expect.objectContaining({ extra: { team: 'b' }, requests: 1, cost: 5 }));
    expect((await rows('2026-11-01T01:00:00Z', '2026-11-30T00:00:00Z')).map((row) => new Date(row.hour).toISOString())).toEqual([
      '2026-11-01T01:00:00.000Z',
      '2026-11-03T00:00:00.000Z',
    ]);
    expect(await store.totals([month('key#k5')])).toEqual([{ spent: 25, committed: 25 }]);
  });

  it('keeps the model requested apart in the rows and adds up cached tokens; rows written before either was kept read as without them', async () => {
    const at = Date.parse('2026-11-02T10:20:00Z');
    const settle = (id: string, fields: Partial<UsageRecord>) => store.settle({ ...record('k20', id, 5, at), extra: {}, model: 'openai/gpt-4o', ...fields }, [month('key#k20')], undefined);
    await settle('p1', { modelRequested: 'policy/cheap', cachedTokens: 2 });
    await settle('p2', { modelRequested: 'policy/cheap', cachedTokens: 1 });
    await settle('d1', { modelRequested: 'openai/gpt-4o' });
    await settle('u1', {});
    // A row as the store wrote them before: no model requested, no cached tokens.
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: 'key#k20' },
          sk: { S: 'use#2026-11-02T10#an-older-row' },
          model: { S: 'openai/gpt-4o-mini' },
          extra: { M: { team: { S: 'ads' } } },
          requests: { N: '3' },
          cost: { N: '9' },
          input_tokens: { N: '30' },
          output_tokens: { N: '3' },
          total_tokens: { N: '33' },
        },
      }),
    );
    const rows = await collect(store.usage('k20', at, at));
    const slim = rows.map(({ modelRequested, model, requests, cachedTokens }) => ({ modelRequested, model, requests, cachedTokens }));
    expect(slim).toHaveLength(4);
    expect(slim).toContainEqual({ modelRequested: 'policy/cheap', model: 'openai/gpt-4o', requests: 2, cachedTokens: 3 });
    expect(slim).toContainEqual({ modelRequested: 'openai/gpt-4o', model: 'openai/gpt-4o', requests: 1, cachedTokens: 0 });
    expect(slim).toContainEqual({ modelRequested: undefined, model: 'openai/gpt-4o', requests: 1, cachedTokens: 0 });
    expect(rows).toContainEqual({
      keyId: 'k20',
      hour: Date.parse('2026-11-02T10:00:00Z'),
      model: 'openai/gpt-4o-mini',
      extra: { team: 'ads' },
      requests: 3,
      cost: 9,
      inputTokens: 30,
      outputTokens: 3,
      totalTokens: 33,
      cachedTokens: 0,
    });
  });

  it("keeps each request's group, group name and calling app apart in its key's rows and in the organisation's twins, which name the key; rows from before read as without them", async () => {
    // An hour no other test uses: the organisation's twins of every key share one partition.
    const at = Date.parse('2027-03-05T08:15:00Z');
    const settle = (keyId: string, id: string, fields: Partial<UsageRecord>) =>
      store.settle({ ...record(keyId, id, 4, at), modelRequested: 'openai/gpt-4o', ...fields }, [month(`key#${keyId}`)], undefined);
    await settle('g1', 'a', { groupId: 'grp_red', groupName: 'Red', originTitle: 'Open WebUI' });
    await settle('g1', 'b', { groupId: 'grp_red', groupName: 'Red', originTitle: 'Open WebUI' });
    await settle('g1', 'c', { groupId: 'grp_red', groupName: 'Red' });
    await settle('g2', 'd', { originTitle: 'Open WebUI' });
    await settle('g2', 'e', {});
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'key#g2' }, sk: { S: 'use#2027-03-05T08#an-older-row' }, model: { S: 'openai/gpt-4o' }, extra: { M: {} }, requests: { N: '1' }, cost: { N: '3' } },
      }),
    );
    const slim = ({ keyId, groupId, groupName, originTitle, requests, cost }: UsageRow) => ({ keyId, groupId, groupName, originTitle, requests, cost });
    const g1 = (await collect(store.usage('g1', at, at))).map(slim);
    expect(g1).toHaveLength(2);
    expect(g1).toContainEqual({ keyId: 'g1', groupId: 'grp_red', groupName: 'Red', originTitle: 'Open WebUI', requests: 2, cost: 8 });
    expect(g1).toContainEqual({ keyId: 'g1', groupId: 'grp_red', groupName: 'Red', originTitle: undefined, requests: 1, cost: 4 });
    const g2 = (await collect(store.usage('g2', at, at))).map(slim);
    expect(g2).toContainEqual({ keyId: 'g2', groupId: undefined, groupName: undefined, originTitle: undefined, requests: 1, cost: 3 });
    expect(g2).toHaveLength(3);

    // The twins: the same rows (bar the one written before twins were), each naming its key.
    const org = (await collect(store.orgUsage(at, at))).map(slim);
    expect(org).toHaveLength(4);
    expect(org).toEqual(expect.arrayContaining([...g1, ...g2.filter((row) => row.cost !== 3)]));
    expect(await collect(store.orgUsage(at + 3_600_000, at + 3_600_000))).toEqual([]);
  });

  it('settles many concurrent requests in shared transactions of at most 100 items, even when one lost its reservation', async () => {
    const org = month('org9');
    const keys = Array.from({ length: 120 }, (_, i) => month(`key#k9-${i}`));
    const dead = { requestId: 'dead9', amount: 50, counters: [{ ...keys[0], limit: 1_000 } as Counter & { limit: number }] };
    expect((await store.reserve(dead.requestId, dead.amount, dead.counters, Date.now() - 1)).held).toBe(true);
    expect(await store.releaseExpired(keys[0] as Counter, Date.now())).toBe(1);
    await Promise.all(
      keys.map((key, i) => store.settle(record(`k9-${i}`, i === 0 ? 'dead9' : `q${i}`, 2), [key, org], i === 0 ? dead : undefined)),
    );
    expect(await store.totals([org, keys[0] as Counter, keys[119] as Counter])).toEqual([
      { spent: 240, committed: 240 },
      { spent: 2, committed: 2 },
      { spent: 2, committed: 2 },
    ]);
    // More counters than one batch read can hold.
    const all = await store.totals([...keys, org]);
    expect(all).toHaveLength(121);
    expect(all.every(({ spent }, i) => spent === (i === 120 ? 240 : 2))).toBe(true);
  });

  it('settles many concurrent requests that held reservations on one counter', async () => {
    const counter = capped('key#k13', 1_000_000);
    const ids = Array.from({ length: 130 }, (_, i) => `held${i}`);
    for (const id of ids) expect((await store.reserve(id, 100, [counter], later)).held).toBe(true);
    await Promise.all(ids.map((id) => store.settle(record('k13', id, 3), [month('key#k13')], { requestId: id, amount: 100, counters: [counter] })));
    expect(await store.totals([counter])).toEqual([{ spent: 390, committed: 390 }]);
  });

  it('writes later when asked: settle returns at once, and a flush (or the timer) writes it', async () => {
    const behind = new DynamoDbUsageStore(client, table, 'on-flush');
    await behind.settle(record('k7', 'w1', 9), [month('key#k7')], undefined);
    await behind.settle(record('k7', 'w2', 1), [month('key#k7')], undefined);
    expect(await store.totals([month('key#k7')])).toEqual([{ spent: 0, committed: 0 }]);
    await behind.flush();
    expect(await store.totals([month('key#k7')])).toEqual([{ spent: 10, committed: 10 }]);
    const soon = new DynamoDbUsageStore(client, table, { everyMs: 20 });
    await soon.settle(record('k8', 'w3', 4), [month('key#k8')], undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.totals([month('key#k8')])).toEqual([{ spent: 4, committed: 4 }]);
  });

  it('lets monthly counters expire long after their month, and keeps all-time counters', async () => {
    await store.settle(record('k6', 'q', 1), [month('key#k6'), { owner: 'org6', period: 'all' }], undefined);
    const item = async (owner: string, period: string) =>
      (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: owner }, sk: { S: period } } }))).Item;
    expect(Number((await item('key#k6', '2026-11'))?.expires_at?.N)).toBe(Date.UTC(2026, 11, 1) / 1000 + 400 * 86_400);
    expect((await item('org6', 'all'))?.expires_at).toBeUndefined();
  });
});
