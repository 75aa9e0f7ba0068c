import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, newApiKeyRecord } from '../../lambdas/core/auth/api-key.js';
import { DynamoDbKeyStore } from '../../lambdas/adapters/dynamodb/dynamodb-key-store.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';

const keysTable = `keys-auth-${Date.now()}`;
let gateway: LocalGateway;
let store: DynamoDbKeyStore;

beforeAll(async () => {
  gateway = await startTestGateway({ KEYS_TABLE: keysTable });
  store = new DynamoDbKeyStore(
    testDynamoDbClient(),
    keysTable,
  );
});

afterAll(() => gateway?.stop());

const hello = [{ role: 'user' as const, content: 'Hi' }];

async function statusWith(apiKey: string) {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
  return client.chat.completions.create({ model: 'mock/echo', messages: hello }).then(
    () => ({ status: 200, code: undefined, message: '' }),
    (error: InstanceType<typeof OpenAI.APIError>) => ({ status: error.status, code: error.code, message: error.message }),
  );
}

describe('API key authentication', () => {
  it('accepts the key as Authorization: Bearer and as x-api-key', async () => {
    expect((await statusWith(testKey)).status).toBe(200);
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-api-key': testKey, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: hello }),
    });
    expect(response.status).toBe(200);
  });

  it('refuses a request without a key with 401 missing_api_key', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'mock/echo', messages: hello }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'missing_api_key', type: 'authentication_error' } });
  });

  it('refuses an unknown key with 401 and never echoes it', async () => {
    const unknown = generateApiKey();
    const result = await statusWith(unknown);
    expect(result).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(result.message).not.toContain(unknown);
  });

  it('refuses disabled and expired keys with 401', async () => {
    const disabledKey = generateApiKey();
    await store.putIfAbsent({ ...newApiKeyRecord(disabledKey, 'disabled', Date.now()), disabled: true });
    expect(await statusWith(disabledKey)).toMatchObject({ status: 401, code: 'api_key_disabled' });

    const expiredKey = generateApiKey();
    await store.putIfAbsent({ ...newApiKeyRecord(expiredKey, 'expired', Date.now()), expiresAt: Date.now() - 1000 });
    expect(await statusWith(expiredKey)).toMatchObject({ status: 401, code: 'api_key_expired' });
  });

  it('stores keys only as hashes', async () => {
    const key = generateApiKey();
    const record = newApiKeyRecord(key, 'hashed', Date.now());
    await store.putIfAbsent(record);
    const stored = await store.findByHash(record.keyHash);
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(stored?.prefix).toBe(key.slice(0, 9));
  });
});
