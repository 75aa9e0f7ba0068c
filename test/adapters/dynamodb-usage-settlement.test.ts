import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeLetter } from '../../lambdas/adapters/dead-letters/dead-letter-codec.js';
import { DynamoDbUsageStore, type UsageStoreOptions } from '../../lambdas/adapters/dynamodb/dynamodb-usage-store.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import type { DeadLetterReason, UsageDeadLetters } from '../../lambdas/ports/usage-dead-letters.js';
import type { Hold, Settlement } from '../../lambdas/ports/usage-store.js';
import { collect } from '../support/collect.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';
import { november, usageRecord } from '../support/usage-records.js';

/**
 * Settlement under failure, on DynamoDB Local: one settlement DynamoDB refuses never fails
 * another, retries are bounded, and what cannot be written is dead-lettered and replayable
 * exactly once.
 */
const client = testDynamoDbClient();
const table = `usage-settlement-${Date.now()}`;
const at = Date.parse('2026-11-23T10:00:00Z');
const later = Date.now() + 60_000;

beforeAll(() => ensureTables(client, { keys: `${table}-keys`, policies: `${table}-policies`, usage: table, directory: `${table}-directory` }));
afterEach(() => vi.restoreAllMocks());

/** A recording fake of the dead-letter port (the store under test is the real DynamoDB one). */
class RecordingDeadLetters implements UsageDeadLetters {
  readonly description = 'memory';
  readonly letters: { settlement: Settlement; reason: DeadLetterReason }[] = [];
  async put(settlement: Settlement, reason: DeadLetterReason): Promise<void> {
    this.letters.push({ settlement, reason });
  }
}

function storeWith(writes: 'sync' | 'on-flush', options: Omit<UsageStoreOptions, 'retries'> = {}, on = client) {
  const deadLetters = new RecordingDeadLetters();
  const sleeps: number[] = [];
  const store = new DynamoDbUsageStore(on, table, writes, {
    deadLetters,
    retries: { firstDelayMs: 1, sleep: async (ms) => void sleeps.push(ms) },
    ...options,
  });
  return { store, deadLetters, sleeps };
}

const month = november;
const record = usageRecord;
const reader = new DynamoDbUsageStore(client, table);
const spent = async (...owners: string[]) => (await reader.totals(owners.map(month))).map((total) => total.spent);

describe('usage rows', () => {
  it("keeps each key's rows under that key when keys alike in model, user and extra are settled in one transaction", async () => {
    const { store } = storeWith('on-flush');
    await store.settle(record('ra', 'ra1', 5, { userId: 'ann' }), [month('key#ra'), month('org-r')], undefined);
    await store.settle(record('rb', 'rb1', 7, { userId: 'ann' }), [month('key#rb'), month('org-r')], undefined);
    await store.settle(record('ra', 'ra2', 11, { userId: 'ann' }), [month('key#ra'), month('org-r')], undefined);
    await store.flush();
    const rows = async (key: string) => collect(reader.usage(key, at, at));
    expect(await rows('ra')).toEqual([expect.objectContaining({ requests: 2, cost: 16, userId: 'ann', extra: { team: 'search' } })]);
    expect(await rows('rb')).toEqual([expect.objectContaining({ requests: 1, cost: 7, userId: 'ann', extra: { team: 'search' } })]);
    expect(await spent('key#ra', 'key#rb', 'org-r')).toEqual([16, 7, 23]);
  });
});

describe('one bad settlement', () => {
  it('is dead-lettered at once when DynamoDB refuses it, while the rest of its batch is written, reservations included', async () => {
    const { store, deadLetters, sleeps } = storeWith('on-flush');
    const capped = { ...month('key#p-capped'), limit: 100 };
    expect((await store.reserve('p-held', 100, [capped], later)).held).toBe(true);
    const hold: Hold = { requestId: 'p-held', amount: 100, counters: [capped] };
    // What `requesty.extra: {"": "x"}` produced before the edge refused it.
    await store.settle(record('p-poison', 'p-bad', 9, { extra: { '': 'x' } }), [month('key#p-poison'), month('org-p')], undefined);
    await store.settle(record('p-capped', 'p-held', 30, { extra: {} }), [month('key#p-capped'), month('org-p')], hold);
    await store.settle(record('p-other', 'p-ok', 4), [month('key#p-other'), month('org-p')], undefined);
    await store.flush();

    expect(await spent('key#p-poison', 'key#p-capped', 'key#p-other', 'org-p')).toEqual([0, 30, 4, 34]);
    expect(deadLetters.letters).toEqual([
      { settlement: expect.objectContaining({ record: expect.objectContaining({ requestId: 'p-bad' }) }), reason: { message: expect.stringContaining('ValidationException'), rejected: true } },
    ]);
    // A refusal is not retried.
    expect(sleeps).toEqual([]);
    // The capped key's reservation was replaced by its cost, so its room is back.
    expect(await store.totals([capped])).toEqual([{ spent: 30, committed: 30 }]);
    expect((await store.reserve('p-next', 70, [capped], later)).held).toBe(true);
  });

  it('fails alone when its items cannot even be made', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { store, deadLetters } = storeWith('on-flush');
    // A time no Date can hold: naming its hour throws.
    await store.settle(record('i-bad', 'i-bad', 5, { at: 9e15 }), [month('key#i-bad')], undefined);
    await store.settle(record('i-ok', 'i-ok', 6), [month('key#i-ok')], undefined);
    await store.flush();
    expect(await spent('key#i-bad', 'key#i-ok')).toEqual([0, 6]);
    expect(deadLetters.letters.map((letter) => letter.settlement.record.requestId)).toEqual(['i-bad']);
  });

  it('does not stop a batch whose rows together pass 4 MB: it is split by size, and an item over 400 KB is dead-lettered alone', async () => {
    const { store, deadLetters } = storeWith('on-flush');
    const owners = Array.from({ length: 15 }, (_, i) => `key#s${i}`);
    // 300 KB model names: each row fits in an item, fifteen do not fit in one transaction.
    owners.forEach((owner, i) => void store.settle(record(`s${i}`, `s-${i}`, 2, { model: `m/${i}${'x'.repeat(300_000)}` }), [month(owner), month('org-s')], undefined));
    await store.settle(record('s-huge', 's-huge', 5, { model: `m/${'x'.repeat(500_000)}` }), [month('key#s-huge'), month('org-s')], undefined);
    await store.flush();
    expect(await spent(...owners, 'key#s-huge', 'org-s')).toEqual([...owners.map(() => 2), 0, 30]);
    expect(deadLetters.letters.map((letter) => [letter.settlement.record.requestId, letter.reason.rejected])).toEqual([['s-huge', true]]);
  });
});

describe('retries', () => {
  const nowhere = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });

  it('retries a write that may yet succeed a bounded number of times, waiting longer each time, then dead-letters it', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { store, deadLetters, sleeps } = storeWith('sync', {}, nowhere);
    await store.settle(record('t', 't-1', 3), [month('key#t')], undefined);
    expect(sleeps).toEqual([1, 4, 16]);
    expect(deadLetters.letters).toEqual([{ settlement: expect.objectContaining({ record: expect.objectContaining({ requestId: 't-1' }) }), reason: expect.objectContaining({ rejected: false }) }]);
    // One line for the dead letter, none per retry.
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toMatch(/^Usage of request t-1 \(key t\) could not be written .*; it waits in memory for npm run replay-usage\.$/);
  });

  it('ends a flush once every waiting settlement is written or dead-lettered', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { store, deadLetters } = storeWith('on-flush', {}, nowhere);
    await store.settle(record('t', 't-2', 3), [month('key#t')], undefined);
    await store.settle(record('t', 't-3', 3), [month('key#t')], undefined);
    await store.flush();
    expect(deadLetters.letters.map((letter) => letter.settlement.record.requestId).sort()).toEqual(['t-2', 't-3']);
  });

  it('logs the whole settlement, replayable, when even the dead letter cannot be stored', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken: UsageDeadLetters = { description: 'broken', put: () => Promise.reject(new Error('disk full')) };
    const { store } = storeWith('sync', { deadLetters: broken });
    await store.settle(record('l', 'l-1', 3, { extra: { '': 'x' } }), [month('key#l')], undefined);
    const line = String(errors.mock.calls.at(-1)?.[0]);
    expect(line).toContain('could not be written nor dead-lettered; replay this line: ');
    expect(decodeLetter(line.slice(line.indexOf('{')))).toMatchObject({ settlement: { record: { requestId: 'l-1', cost: 3 } }, reason: { message: 'Error: disk full' } });
  });
});

describe('settling and replaying once per request', () => {
  it('counts a held settlement once when it is written again on its own after a lost answer', async () => {
    const { store } = storeWith('on-flush');
    const capped = { ...month('key#o'), limit: 100 };
    await store.reserve('o-1', 50, [capped], later);
    const hold = { requestId: 'o-1', amount: 50, counters: [capped] };
    await store.settle(record('o', 'o-0', 1), [month('key#o')], undefined);
    await store.settle(record('o', 'o-1', 20), [month('key#o')], hold);
    await store.flush();
    // The same settlement again, as a retry after a lost answer would send it: alone, so with another transaction token.
    await store.settle(record('o', 'o-1', 20), [month('key#o')], hold);
    await store.flush();
    expect(await store.totals([capped])).toEqual([{ spent: 21, committed: 21 }]);
  });

  it('replays a settlement that held nothing once, however often it is replayed', async () => {
    const settlement = { record: record('u', 'u-1', 8), counters: [month('key#u')], hold: undefined };
    expect(await reader.replay(settlement)).toBe('written');
    // Within ten minutes DynamoDB answers the same transaction from its token without applying it again;
    // later (here: a transaction that differs, so its token does too) the request's marker refuses it.
    await reader.replay(settlement);
    expect(await reader.replay({ ...settlement, record: { ...settlement.record, inputTokens: 4 } })).toBe('already written');
    expect(await spent('key#u')).toEqual([8]);
    expect(await collect(reader.usage('u', at, at))).toEqual([expect.objectContaining({ requests: 1, cost: 8 })]);
  });

  it('replays a held settlement once: still held, written before, or its reservation released as expired', async () => {
    const capped = (owner: string) => ({ ...month(owner), limit: 100 });
    const held = (id: string, owner: string) => ({ record: record('h', id, 10), counters: [month(owner)], hold: { requestId: id, amount: 40, counters: [capped(owner)] } });

    const otherTokens = (settlement: Settlement) => ({ ...settlement, record: { ...settlement.record, inputTokens: 4 } });
    await reader.reserve('h-held', 40, [capped('key#h1')], later);
    expect(await reader.replay(held('h-held', 'key#h1'))).toBe('written');
    expect(await reader.replay(otherTokens(held('h-held', 'key#h1')))).toBe('already written');
    expect(await reader.totals([month('key#h1')])).toEqual([{ spent: 10, committed: 10 }]);

    await reader.reserve('h-done', 40, [capped('key#h2')], later);
    await reader.settle(held('h-done', 'key#h2').record, [month('key#h2')], held('h-done', 'key#h2').hold);
    expect(await reader.replay(otherTokens(held('h-done', 'key#h2')))).toBe('already written');
    expect(await reader.totals([month('key#h2')])).toEqual([{ spent: 10, committed: 10 }]);

    await reader.reserve('h-dead', 40, [capped('key#h3')], Date.now() - 1);
    expect(await reader.releaseExpired(month('key#h3'), Date.now())).toBe(1);
    expect(await reader.replay(held('h-dead', 'key#h3'))).toBe('written');
    expect(await reader.replay(otherTokens(held('h-dead', 'key#h3')))).toBe('already written');
    expect(await reader.totals([month('key#h3')])).toEqual([{ spent: 10, committed: 10 }]);
  });

  it('throws when a replayed settlement still cannot be written', async () => {
    await expect(reader.replay({ record: record('x', 'x-1', 1, { extra: { '': 'x' } }), counters: [month('key#x')], hold: undefined })).rejects.toThrow(/Empty attribute name/);
  });
});
