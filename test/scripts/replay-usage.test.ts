import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { JsonlUsageDeadLetters } from '../../lambdas/adapters/dead-letters/jsonl-usage-dead-letters.js';
import { DynamoDbUsageStore } from '../../lambdas/adapters/dynamodb/dynamodb-usage-store.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import type { Counter, UsageRecord } from '../../lambdas/ports/usage-store.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';

const run = promisify(execFile);
const endpoint = inject('dynamoDbEndpoint');
const table = `usage-replay-${Date.now()}`;
const client = testDynamoDbClient();
const file = join(mkdtempSync(join(tmpdir(), 'replay-')), 'dead-letters', 'usage.jsonl');
const deadLetters = new JsonlUsageDeadLetters(file);
const retries = { firstDelayMs: 1 };
const store = new DynamoDbUsageStore(client, table, 'sync', { deadLetters, retries });
// A DynamoDB that cannot be reached: what a store sees during an outage.
const unreachable = new DynamoDbUsageStore(
  new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 }),
  table,
  'sync',
  { deadLetters, retries },
);

beforeAll(() => ensureTables(client, { keys: `${table}-keys`, policies: `${table}-policies`, usage: table, directory: `${table}-directory` }));

const month = (owner: string): Counter => ({ owner, period: '2026-11' });
const record = (keyId: string, requestId: string, cost: number, extra: Record<string, string> = {}): UsageRecord => ({
  requestId, keyId, at: Date.parse('2026-11-23T10:00:00Z'), model: 'mock/echo', cost, inputTokens: 1, outputTokens: 1, totalTokens: 2, extra,
});

async function replay() {
  return run(process.execPath, ['--import', 'tsx', 'scripts/replay-usage.ts', '--file', file], {
    env: { ...process.env, DYNAMODB_ENDPOINT: endpoint, USAGE_TABLE: table, AWS_REGION: 'us-east-1' },
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
}

describe('npm run replay-usage', () => {
  it('writes dead-lettered usage once, removes each letter written, and keeps what still fails until it is fixed', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const capped = { ...month('key#held'), limit: 100 };
    expect((await store.reserve('r-held', 60, [capped], Date.now() + 60_000)).held).toBe(true);
    await unreachable.settle(record('plain', 'r-plain', 7), [month('key#plain'), month('org-r')], undefined);
    await unreachable.settle(record('held', 'r-held', 20), [month('key#held'), month('org-r')], { requestId: 'r-held', amount: 60, counters: [capped] });
    await store.settle(record('poison', 'r-poison', 3, { '': 'x' }), [month('key#poison'), month('org-r')], undefined);
    vi.restoreAllMocks();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);

    const first = await replay();
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/written r-plain \(key plain\)/);
    expect(first.stdout).toMatch(/kept +r-poison \(key poison\): ValidationException/);
    expect(first.stdout).toContain('Done: 2 written, 0 written before (removed), 1 kept.');
    const totals = () => store.totals([month('key#plain'), capped, month('key#poison'), month('org-r')]);
    const afterFirst = [{ spent: 7, committed: 7 }, { spent: 20, committed: 20 }, { spent: 0, committed: 0 }, { spent: 27, committed: 27 }];
    expect(await totals()).toEqual(afterFirst);

    const second = await replay();
    expect(second.stdout).toContain('Done: 0 written, 0 written before (removed), 1 kept.');
    expect(await totals()).toEqual(afterFirst);

    // The operator mends the letter in the file; the next replay writes it and empties the file.
    writeFileSync(file, readFileSync(file, 'utf8').replace('"extra":{"":"x"}', '"extra":{"mended":"x"}'));
    const third = await replay();
    expect(third).toMatchObject({ code: 0, stdout: expect.stringContaining('Done: 1 written') });
    expect(existsSync(file) ? readFileSync(file, 'utf8') : '').toBe('');
    expect((await totals())[3]).toEqual({ spent: 30, committed: 30 });
    // Three runs of the script, each a Node process compiling TypeScript: slow on a busy machine.
  }, 120_000);
});
