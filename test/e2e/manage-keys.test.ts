import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { eventuallyPasses } from '../support/eventually.js';
import { manageClient } from '../support/manage-client.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({ SWITCHBOARD_KEY_CACHE_TTL_MS: '200' });
  manage = manageClient(gateway.url);
});
afterAll(() => gateway?.stop());

const hello = [{ role: 'user' as const, content: 'Hi' }];

async function statusWith(apiKey: string): Promise<number> {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
  return client.chat.completions.create({ model: 'mock/echo', messages: hello }).then(
    () => 200,
    (error: InstanceType<typeof OpenAI.APIError>) => error.status ?? 0,
  );
}

describe('/v1/manage/apikey', () => {
  it('creates a key, returning the secret once, which then works for model calls', async () => {
    const created = await manage('POST', '/apikey', { name: 'ci', labels: { team: 'search' } });
    expect(created.status).toBe(201);
    const key = String(created.json.key);
    expect(key).toMatch(/^sb-/);
    expect(created.json).toMatchObject({ name: 'ci', labels: { team: 'search' }, disabled: false, expires_at: null, key_prefix: key.slice(0, 9) });
    expect(await statusWith(key)).toBe(200);

    const fetched = await manage('GET', `/apikey/${String(created.json.id)}`);
    // The secret (and Requesty's `api_key_id`, `api_key` beside it) is in the create answer only.
    expect(fetched.json).toEqual({ ...created.json, key: undefined, api_key_id: undefined, api_key: undefined, id: created.json.id });
    expect(JSON.stringify(fetched.json)).not.toContain(key);
  });

  it('disables, enables and deletes keys, taking effect within the key cache time', async () => {
    const created = await manage('POST', '/apikey', { name: 'revocable' });
    const key = String(created.json.key);
    const id = String(created.json.id);
    expect(await statusWith(key)).toBe(200);

    expect((await manage('POST', `/apikey/${id}/disable`)).json.disabled).toBe(true);
    await eventuallyPasses(async () => expect(await statusWith(key)).toBe(401), 'the disabled key to be refused');

    expect((await manage('POST', `/apikey/${id}/enable`)).json.disabled).toBe(false);
    await eventuallyPasses(async () => expect(await statusWith(key)).toBe(200), 'the enabled key to be served');

    expect(await manage('DELETE', `/apikey/${id}`)).toEqual({ status: 200, json: { id, deleted: true } });
    await eventuallyPasses(async () => expect(await statusWith(key)).toBe(401), 'the deleted key to be refused');
    expect((await manage('GET', `/apikey/${id}`)).status).toBe(404);
  });

  it('updates labels and expiry, and refuses expiries in the past', async () => {
    const { json } = await manage('POST', '/apikey', { name: 'labelled' });
    const id = String(json.id);
    expect((await manage('POST', `/apikey/${id}/labels`, { labels: { env: 'prod' } })).json.labels).toEqual({ env: 'prod' });
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await manage('POST', `/apikey/${id}/expiry`, { expires_at: future })).json.expires_at).toBe(future);
    expect((await manage('POST', `/apikey/${id}/expiry`, { expires_at: null })).json.expires_at).toBeNull();
    const past = await manage('POST', `/apikey/${id}/expiry`, { expires_at: '2020-01-01T00:00:00Z' });
    expect(past).toMatchObject({ status: 400, json: { error: { param: 'expires_at' } } });
  });

  it('lists API keys a page at a time, never management keys', async () => {
    for (let i = 0; i < 3; i++) await manage('POST', '/apikey', { name: `listed-${i}` });
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await manage('GET', `/apikey?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      names.push(...(page.json.data as Array<{ name: string }>).map((key) => key.name));
      cursor = page.json.next_cursor as string | null;
    } while (cursor);
    expect(names).toEqual(expect.arrayContaining(['listed-0', 'listed-1', 'listed-2', 'development']));
    expect(names).not.toContain('local admin');
    // A cursor this API did not hand out is a 400, whatever it decodes to.
    const forged = Buffer.from(JSON.stringify({ key_hash: { N: '1' }, other: { S: 'x' } })).toString('base64url');
    for (const cursor of [forged, 'not-base64-json', Buffer.from('[]').toString('base64url')]) {
      expect(await manage('GET', `/apikey?cursor=${cursor}`)).toMatchObject({ status: 400, json: { error: { param: 'cursor' } } });
    }
  });

  it('answers bad input with 400, unknown ids with 404, and API keys without manage with 403', async () => {
    expect((await manage('POST', '/apikey', { labels: {} })).json.error?.param).toBe('name');
    expect((await manage('POST', '/apikey', { name: 'x', monthly_limit: -1 })).status).toBe(400);
    expect((await manage('POST', '/apikey/key_nope/disable')).status).toBe(404);
    expect((await manageClient(gateway.url, testKey)('GET', '/apikey')).status).toBe(403);
  });
});
