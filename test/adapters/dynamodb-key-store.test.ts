import { beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, newApiKeyRecord } from '../../lambdas/core/auth/api-key.js';
import { DynamoDbKeyStore } from '../../lambdas/adapters/dynamodb/dynamodb-key-store.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';

const client = testDynamoDbClient();
const table = `keys-store-${Date.now()}`;
const store = new DynamoDbKeyStore(client, table);

beforeAll(() => ensureTables(client, { keys: table, policies: `${table}-policies`, usage: `${table}-usage`, directory: `${table}-directory` }));

describe('DynamoDbKeyStore on DynamoDB Local', () => {
  it('reports an empty table, then finds a stored key by its hash with every field', async () => {
    expect(await store.hasAny('api')).toBe(false);
    const key = generateApiKey();
    const record = { ...newApiKeyRecord(key, 'ci', 1_700_000_000_000), expiresAt: 1_900_000_000_000 };
    expect(await store.putIfAbsent(record)).toBe(true);
    expect(await store.hasAny('api')).toBe(true);
    expect(await store.hasAny('management')).toBe(false);
    expect(await store.findByHash(hashApiKey(key))).toEqual(record);
    expect(await store.findByHash(hashApiKey('sb-other'))).toBeUndefined();
  });

  it('never overwrites an existing key', async () => {
    const key = generateApiKey();
    const original = newApiKeyRecord(key, 'first', 1);
    expect(await store.putIfAbsent(original)).toBe(true);
    expect(await store.putIfAbsent({ ...newApiKeyRecord(key, 'second', 2), disabled: true })).toBe(false);
    expect(await store.findByHash(original.keyHash)).toEqual(original);
  });

  it('finds, updates and deletes a key by id through the index, and lists by kind', async () => {
    const record = { ...newApiKeyRecord(generateApiKey(), 'by-id', 5), labels: { team: 'a' }, expiresAt: 1_900_000_000_000 };
    await store.putIfAbsent(record);
    await store.putIfAbsent(newApiKeyRecord(generateApiKey(), 'ops', 6, 'management'));
    expect(await store.findById(record.id)).toEqual(record);
    expect(await store.update(record.id, 'management', { disabled: true })).toBeUndefined();
    expect(await store.delete(record.id, 'management')).toBe(false);
    expect(await store.update(record.id, 'api', { labels: { team: 'b' }, disabled: true, expiresAt: null })).toEqual({
      ...record,
      labels: { team: 'b' },
      disabled: true,
      expiresAt: undefined,
    });
    const listed = await store.list('api', 100, undefined);
    expect(listed.keys.map((key) => key.kind)).not.toContain('management');
    expect(listed.keys.map((key) => key.id)).toContain(record.id);
    expect(await store.delete(record.id, 'api')).toBe(true);
    expect(await store.findById(record.id)).toBeUndefined();
    expect(await store.delete(record.id, 'api')).toBe(false);
    expect(await store.update(record.id, 'api', { disabled: false })).toBeUndefined();
  });

  it("stores a key's permissions, changes them, and reads a key stored without them as having none set", async () => {
    const record = { ...newApiKeyRecord(generateApiKey(), 'permitted', 7), permissions: { manage: 'read' as const, completions: 'none' as const } };
    await store.putIfAbsent(record);
    expect(await store.findByHash(record.keyHash)).toEqual(record);
    expect(await store.update(record.id, 'api', { permissions: { manage: 'write', completions: 'write' } })).toEqual({
      ...record,
      permissions: { manage: 'write', completions: 'write' },
    });
    const plain = newApiKeyRecord(generateApiKey(), 'plain', 8);
    await store.putIfAbsent(plain);
    expect((await store.findById(plain.id))?.permissions).toBeUndefined();
  });

  it('creating the tables twice is harmless', async () => {
    await expect(ensureTables(client, { keys: table, policies: `${table}-policies`, usage: `${table}-usage`, directory: `${table}-directory` })).resolves.toBeUndefined();
  });
});
