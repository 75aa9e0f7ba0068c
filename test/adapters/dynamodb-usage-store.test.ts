import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbUsageStore } from '../../lambdas/adapters/dynamodb/dynamodb-usage-store.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';

const client = new DynamoDBClient({
  endpoint: inject('dynamoDbEndpoint'),
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const table = `usage-store-${Date.now()}`;
const store = new DynamoDbUsageStore(client, table);
const later = Date.now() + 60_000;

beforeAll(() => ensureTables(client, { keys: `${table}-keys`, policies: `${table}-policies`, usage: table }));

describe('DynamoDbUsageStore on DynamoDB Local', () => {
  it('reserves up to the limit and no further, then settles each request once at its actual cost', async () => {
    const res = (requestId: string, amount: number) => ({ keyId: 'k1', period: '2026-11', requestId, amount });
    expect(await store.reserve(res('a', 60), 100, later)).toBe(true);
    expect(await store.reserve(res('b', 50), 100, later)).toBe(false);
    expect(await store.reserve(res('c', 40), 100, later)).toBe(true);
    expect(await store.periodTotals('k1', '2026-11')).toEqual({ spent: 0, committed: 100 });
    await store.settle(res('a', 60), 10);
    await store.settle(res('a', 60), 10);
    expect(await store.periodTotals('k1', '2026-11')).toEqual({ spent: 10, committed: 50 });
    expect(await store.reserve(res('b', 50), 100, later)).toBe(true);
    expect(await store.reserve(res('d', 1), 100, later)).toBe(false);
    expect(await store.reserve(res('d', 1), 101, later)).toBe(true); // a raised limit takes effect at once
  });

  it('refuses a single request larger than the limit', async () => {
    expect(await store.reserve({ keyId: 'k2', period: '2026-11', requestId: 'x', amount: 11 }, 10, later)).toBe(false);
  });

  it('releases reservations of requests that died, and counts a late settlement once', async () => {
    const dead = { keyId: 'k3', period: '2026-11', requestId: 'dead', amount: 80 };
    expect(await store.reserve(dead, 100, Date.now() - 1)).toBe(true);
    expect(await store.releaseExpired('k3', '2026-11', Date.now())).toBe(1);
    expect(await store.periodTotals('k3', '2026-11')).toEqual({ spent: 0, committed: 0 });
    expect(await store.releaseExpired('k3', '2026-11', Date.now())).toBe(0);
    await store.settle(dead, 30);
    await store.settle(dead, 30);
    expect(await store.periodTotals('k3', '2026-11')).toEqual({ spent: 30, committed: 30 });
  });
});
