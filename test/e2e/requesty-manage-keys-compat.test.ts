import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { eventuallyPasses } from '../support/eventually.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

// Requesty's management API pages, replayed as written (their request bodies, with our host and
// keys) and their answers read as those pages show them:
// https://docs.requesty.ai/api-reference/endpoint/manage-apikey/manage-api-key-{list,create,get,update-limit,update-label,update-expiry,delete}
// and https://docs.requesty.ai/api-reference/endpoint/manage-org-get.

const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let admin: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), SWITCHBOARD_KEY_CACHE_TTL_MS: '200' });
  admin = manageClient(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

interface RequestyKey {
  id: string;
  name: string;
  monthly_limit: number;
  monthly_spend: number;
  permissions: { manage: string; completions: string };
  labels: Record<string, string>;
}

/** Requesty's create call as its page shows it; the answer's `api_key_id` and `api_key`. */
async function createKey(body: Record<string, unknown>, as = admin) {
  const created = await as('POST', '/apikey', body);
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ api_key_id: expect.any(String), api_key: expect.stringMatching(/^sb-/) });
  return { id: String(created.json.api_key_id), key: String(created.json.api_key) };
}

async function listed(id: string): Promise<RequestyKey | undefined> {
  const { status, json } = await admin('GET', '/apikey?limit=100');
  expect(status).toBe(200);
  return (json.keys as RequestyKey[]).find((key) => key.id === id);
}

async function chatStatus(apiKey: string): Promise<number> {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
  return client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).then(
    () => 200,
    (error: InstanceType<typeof OpenAI.APIError>) => error.status ?? 0,
  );
}

async function modelsStatus(apiKey: string): Promise<number> {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
  return client.models.list().then(
    () => 200,
    (error: InstanceType<typeof OpenAI.APIError>) => error.status ?? 0,
  );
}

describe("Requesty's API key pages against this gateway", () => {
  it('creates a key from the page\'s body, answers `api_key_id` and `api_key`, lists it under `keys` and calls models with it', async () => {
    // Create API Key: `{"name", "monthly_limit": 123, "permissions": {"manage": "none", "completions": "write"}}`.
    const { id, key } = await createKey({ name: '<string>', monthly_limit: 123, permissions: { manage: 'none', completions: 'write' } });
    expect(await chatStatus(key)).toBe(200);

    // Get API Keys: `{"keys": [{"id", "name", "monthly_limit", "monthly_spend", "permissions", "labels"}]}`.
    const entry = await listed(id);
    expect(entry).toEqual({
      id,
      name: '<string>',
      monthly_limit: 123,
      monthly_spend: expect.any(Number),
      permissions: { manage: 'none', completions: 'write' },
      labels: {},
    });
    expect(entry?.monthly_spend).toBeGreaterThan(0);

    // Get API key: `{"id", "name", "logging", "monthly_spend", "monthly_limit", "permissions"}`.
    const got = await admin('GET', `/apikey/${id}`);
    expect(got.json).toMatchObject({ id, name: '<string>', logging: false, monthly_spend: entry?.monthly_spend, monthly_limit: 123, permissions: entry?.permissions });
    expect(JSON.stringify(got.json)).not.toContain(key);
  });

  it('takes money as decimal strings wherever a dollar amount is given', async () => {
    const { id } = await createKey({ name: 'decimal', monthly_limit: '12.50' });
    expect((await listed(id))?.monthly_limit).toBe(12.5);
    expect((await admin('POST', `/apikey/${id}/limit`, { monthly_limit: '0.000001' })).status).toBe(200);
    expect((await listed(id))?.monthly_limit).toBe(0.000001);
    const group = await admin('POST', '/group', { name: 'decimal', monthly_limit: '99.99' });
    expect(group.json.monthly_limit).toBe(99.99);
    expect((await admin('POST', `/group/${String(group.json.id)}/limit`, { monthly_limit: '5' })).json.monthly_limit).toBe(5);
    const org = await admin('POST', '/org', { default_key_limit: '2.5', balance: '1000' });
    expect(org.json).toMatchObject({ default_key_limit: 2.5, balance: 1000 });
    await admin('POST', '/org', { default_key_limit: null, balance: null });

    const refused = await admin('POST', `/apikey/${id}/limit`, { monthly_limit: '12,50' });
    expect(refused).toMatchObject({ status: 400, json: { error: { param: 'monthly_limit' } } });
    expect((await admin('POST', `/apikey/${id}/limit`, { monthly_limit: '-1' })).status).toBe(400);
  });

  it('reads a monthly_limit of 0 as no limit on keys and groups, as Requesty documents, and shows it as 0 in its views', async () => {
    const { id, key } = await createKey({ name: 'unlimited', monthly_limit: 0, permissions: { manage: 'none', completions: 'write' } });
    expect(await chatStatus(key)).toBe(200);
    expect((await listed(id))?.monthly_limit).toBe(0);
    expect((await admin('GET', `/apikey/${id}`)).json.monthly_limit).toBeNull();

    // Update API Key Limit with `{"monthly_limit": 123}`, then 0 again: capped, then free.
    // The router's cached record shows each change once it has expired: a request cannot tell $123 from no cap.
    const routerLimit = async () => (await gateway.deps.authenticator.authenticate(key)).monthlyLimit;
    expect((await admin('POST', `/apikey/${id}/limit`, { monthly_limit: 123 })).json.monthly_limit).toBe(123);
    await eventuallyPasses(async () => expect(await routerLimit()).toBe(123_000_000), 'the router to hold the key capped');
    expect((await admin('POST', `/apikey/${id}/limit`, { monthly_limit: 0 })).json.monthly_limit).toBeNull();
    await eventuallyPasses(async () => expect(await routerLimit()).toBeUndefined(), 'the router to hold the key free again');
    expect(await chatStatus(key)).toBe(200);

    // Create Group: `{"name": "Engineering Team", "monthly_limit": 0}`: "0 means unlimited".
    expect((await admin('POST', '/group', { name: 'Engineering Team', monthly_limit: 0 })).json.monthly_limit).toBeNull();
  });

  it('answers `GET /v1/manage/apikey/self` to any API key about itself, in Requesty\'s shape', async () => {
    const { id, key } = await createKey({ name: 'me', permissions: { manage: 'none', completions: 'write' } });
    await chatStatus(key);
    const self = await manageClient(gateway.url, key)('GET', '/apikey/self');
    expect(self.status).toBe(200);
    expect(self.json).toMatchObject({ id, name: 'me', logging: false, monthly_spend: expect.any(Number), monthly_limit: 0, permissions: { manage: 'none', completions: 'write' } });
    expect(self.json.monthly_spend).toBeGreaterThan(0);
    // Not another key's, without the manage permission.
    expect((await manageClient(gateway.url, key)('GET', `/apikey/${id}`)).status).toBe(403);
    // A management key is not an API key.
    expect((await admin('GET', '/apikey/self')).status).toBe(404);
  });

  it('updates labels at `/label` (and `/labels`), an empty object removing them all, and the expiry', async () => {
    const { id } = await createKey({ name: 'labelled' });
    expect((await admin('POST', `/apikey/${id}/label`, { labels: { env: 'production', team: 'search' } })).status).toBe(200);
    expect((await listed(id))?.labels).toEqual({ env: 'production', team: 'search' });
    // Update API Key Labels: `{"labels": {}}`.
    expect((await admin('POST', `/apikey/${id}/label`, { labels: {} })).status).toBe(200);
    expect((await listed(id))?.labels).toEqual({});
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await admin('POST', `/apikey/${id}/expiry`, { expires_at: future })).json.expires_at).toBe(future);
    expect((await admin('POST', `/apikey/${id}/expiry`, { expires_at: null })).json.expires_at).toBeNull();
  });

  it('deletes a key (Delete API Key), after which it calls nothing', async () => {
    const { id, key } = await createKey({ name: 'doomed' });
    expect((await admin('DELETE', `/apikey/${id}`)).status).toBe(200);
    await eventuallyPasses(async () => expect(await chatStatus(key)).toBe(401), 'the deleted key to be refused');
    expect(await listed(id)).toBeUndefined();
  });

  it('gets the organisation as `{"name", "balance"}`', async () => {
    const org = await admin('GET', '/org');
    expect(org.status).toBe(200);
    expect(org.json).toMatchObject({ name: expect.any(String), balance: null });
    await admin('POST', '/org', { balance: 50 });
    expect((await admin('GET', '/org')).json.balance).toBe(50);
    await admin('POST', '/org', { balance: null });
  });
});

describe('permissions, as Requesty keys carry them', () => {
  it('lets an API key given `manage: write` use the management API, and still call models', async () => {
    const manager = await createKey({ name: 'manager', permissions: { manage: 'write', completions: 'write' } });
    const asManager = manageClient(gateway.url, manager.key);
    expect(await chatStatus(manager.key)).toBe(200);
    expect((await asManager('GET', '/apikey')).status).toBe(200);
    // A key made by a key, as Requesty's page shows it.
    const made = await createKey({ name: 'made by a key', monthly_limit: 5, permissions: { manage: 'none', completions: 'write' } }, asManager);
    expect(await chatStatus(made.key)).toBe(200);
    expect((await asManager('POST', `/apikey/${made.id}/limit`, { monthly_limit: 6 })).status).toBe(200);
    expect((await asManager('GET', '/org')).status).toBe(200);
  });

  it('lets `manage: read` read but not change, and `manage: none` be refused the management API with 403', async () => {
    const reader = await createKey({ name: 'reader', permissions: { manage: 'read', completions: 'none' } });
    const asReader = manageClient(gateway.url, reader.key);
    expect((await asReader('GET', '/apikey')).status).toBe(200);
    expect((await asReader('GET', `/apikey/${reader.id}/usage?start=2025-01-01T00:00:00Z`)).status).toBe(200);
    expect(await asReader('POST', '/apikey', { name: 'nope' })).toMatchObject({ status: 403, json: { error: { code: 'permission_denied' } } });
    expect((await asReader('DELETE', `/apikey/${reader.id}`)).status).toBe(403);

    const plain = await createKey({ name: 'plain', permissions: { manage: 'none', completions: 'write' } });
    expect((await manageClient(gateway.url, plain.key)('GET', '/apikey')).status).toBe(403);
  });

  it('refuses model calls to `completions: none` and `read`, which may still list models', async () => {
    const none = await createKey({ name: 'no completions', permissions: { manage: 'none', completions: 'none' } });
    expect(await chatStatus(none.key)).toBe(403);
    expect(await modelsStatus(none.key)).toBe(403);
    const reader = await createKey({ name: 'model reader', permissions: { manage: 'none', completions: 'read' } });
    expect(await chatStatus(reader.key)).toBe(403);
    expect(await modelsStatus(reader.key)).toBe(200);
    // The Anthropic route and feedback too.
    const messages = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': reader.key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(messages.status).toBe(403);
    expect(((await messages.json()) as { type: string }).type).toBe('error');
    const feedback = await fetch(`${gateway.url}/v1/feedback/req_1`, { method: 'POST', headers: { authorization: `Bearer ${reader.key}` }, body: '{"data": {"rating": 1}}' });
    expect(feedback.status).toBe(403);
  });

  it('keeps keys made without permissions as they were: models yes, management no', async () => {
    const { id, key } = await createKey({ name: 'default' });
    expect((await listed(id))?.permissions).toEqual({ manage: 'none', completions: 'write' });
    expect(await chatStatus(key)).toBe(200);
    expect((await manageClient(gateway.url, key)('GET', '/org')).status).toBe(403);
  });

  it('changes permissions at `/permissions`, within the key cache time', async () => {
    const { id, key } = await createKey({ name: 'promoted' });
    const updated = await admin('POST', `/apikey/${id}/permissions`, { permissions: { manage: 'read', completions: 'none' } });
    expect(updated.json.permissions).toEqual({ manage: 'read', completions: 'none' });
    await eventuallyPasses(async () => expect(await chatStatus(key)).toBe(403), 'the key to be refused model calls');
    await eventuallyPasses(async () => expect((await manageClient(gateway.url, key)('GET', '/apikey')).status).toBe(200), 'the key to read the management API');
    expect(await admin('POST', `/apikey/${id}/permissions`, { permissions: { manage: 'admin' } })).toMatchObject({
      status: 400,
      json: { error: { param: 'permissions.manage' } },
    });
  });
});
