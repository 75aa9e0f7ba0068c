import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { startTestGateway, testAdminKey, testKey } from '../support/test-gateway.js';

let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway();
  manage = manageClient(gateway.url);
});
afterAll(() => gateway?.stop());

const sonnet = {
  name: 'sonnet',
  type: 'fallback',
  models: [
    { model: 'openai/gpt-4o', retries: 1 },
    { model: 'mock/echo', retries: 2 },
  ],
};

describe('/v1/manage/policy', () => {
  it('creates, reads, lists, replaces and deletes a policy', async () => {
    expect(await manage('POST', '/policy', sonnet)).toEqual({ status: 201, json: sonnet });
    expect(await manage('GET', '/policy/sonnet')).toEqual({ status: 200, json: sonnet });
    const listed = await manage('GET', '/policy');
    expect(listed.json.data).toContainEqual(sonnet);

    const replaced = { ...sonnet, models: [{ model: 'mock/lorem', retries: 0 }] };
    expect(await manage('PUT', '/policy/sonnet', replaced)).toEqual({ status: 200, json: replaced });
    expect((await manage('GET', '/policy/sonnet')).json).toEqual(replaced);

    expect(await manage('DELETE', '/policy/sonnet')).toEqual({ status: 200, json: { name: 'sonnet', deleted: true } });
    expect((await manage('GET', '/policy/sonnet')).status).toBe(404);
  });

  it('fills in default retries and keeps key-scoped policies apart from the organisation’s', async () => {
    const scoped = { name: 'mine', type: 'latency', models: [{ model: 'mock/echo' }], api_key_id: 'key_abc' };
    expect((await manage('POST', '/policy', scoped)).status).toBe(201);
    expect((await manage('GET', '/policy/mine')).status).toBe(404);
    expect((await manage('GET', '/policy/mine?api_key_id=key_abc')).json).toEqual(scoped);
    const created = await manage('POST', '/policy', { name: 'defaults', type: 'fallback', models: [{ model: 'mock/echo' }] });
    expect(created.json.models).toEqual([{ model: 'mock/echo', retries: 0 }]);
  });

  it('pages through the list with a cursor', async () => {
    for (let i = 0; i < 5; i++) {
      await manage('POST', '/policy', { name: `page-${i}`, type: 'latency', models: [{ model: 'mock/echo' }] });
    }
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await manage('GET', `/policy?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect((page.json.data as unknown[]).length).toBeLessThanOrEqual(2);
      names.push(...(page.json.data as Array<{ name: string }>).map((policy) => policy.name));
      cursor = page.json.next_cursor as string | null;
    } while (cursor);
    expect(names).toEqual(expect.arrayContaining(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']));
    expect((await manage('GET', '/policy?cursor=not-a-cursor')).status).toBe(400);
  });

  it('answers invalid policies with 400 naming the problem', async () => {
    const weights = await manage('POST', '/policy', {
      name: 'bad',
      type: 'load_balancing',
      models: [{ model: 'mock/echo', weight: 50 }, { model: 'mock/lorem', weight: 40 }],
    });
    expect(weights).toMatchObject({ status: 400, json: { error: { param: 'models', message: expect.stringContaining('sum to 100') } } });
    const retries = await manage('POST', '/policy', { name: 'bad', type: 'fallback', models: [{ model: 'mock/echo', retries: 11 }] });
    expect(retries).toMatchObject({ status: 400, json: { error: { param: 'models[0].retries' } } });
    const unknown = await manage('POST', '/policy', { name: 'bad', type: 'fallback', models: [{ model: 'acme/x' }] });
    expect(unknown).toMatchObject({ status: 400, json: { error: { code: 'invalid_policy', param: 'models[0].model' } } });
    const type = await manage('POST', '/policy', { name: 'bad', type: 'round_robin', models: [] });
    expect(type).toMatchObject({ status: 400, json: { error: { param: 'type' } } });
    expect((await manage('POST', '/policy', '{')).json.error?.code).toBe('invalid_json');
  });

  it('refuses a cycle between nested policies', async () => {
    await manage('POST', '/policy', { name: 'loop-a', type: 'fallback', models: [{ model: 'mock/echo' }] });
    await manage('POST', '/policy', { name: 'loop-b', type: 'fallback', models: [{ model: 'policy/loop-a' }] });
    const cycle = await manage('PUT', '/policy/loop-a', { name: 'loop-a', type: 'fallback', models: [{ model: 'policy/loop-b' }] });
    expect(cycle).toMatchObject({ status: 400, json: { error: { code: 'invalid_policy', message: expect.stringContaining('loop-a → loop-b → loop-a') } } });
  });

  it('answers duplicates with 409, unknown names with 404 and refuses to delete a policy in use', async () => {
    await manage('POST', '/policy', { name: 'dup', type: 'fallback', models: [{ model: 'mock/echo' }] });
    expect((await manage('POST', '/policy', { name: 'dup', type: 'fallback', models: [{ model: 'mock/echo' }] })).status).toBe(409);
    expect((await manage('PUT', '/policy/ghost', { name: 'ghost', type: 'fallback', models: [{ model: 'mock/echo' }] })).status).toBe(404);
    expect((await manage('DELETE', '/policy/ghost')).status).toBe(404);
    expect((await manage('PUT', '/policy/dup', { name: 'other', type: 'fallback', models: [{ model: 'mock/echo' }] })).status).toBe(400);
    await manage('POST', '/policy', { name: 'user', type: 'fallback', models: [{ model: 'policy/dup' }] });
    expect(await manage('DELETE', '/policy/dup')).toMatchObject({ status: 409, json: { error: { code: 'policy_in_use' } } });
  });

  it('accepts only management keys', async () => {
    expect((await manageClient(gateway.url, testKey)('GET', '/policy')).status).toBe(403);
    expect((await manageClient(gateway.url, 'sb-nothing')('GET', '/policy')).status).toBe(401);
    const response = await fetch(`${gateway.url}/v1/manage/policy`);
    expect(response.status).toBe(401);
  });

  it('does not accept a management key for model calls', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}` },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(401);
  });
});
