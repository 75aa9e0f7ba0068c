import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway();
  manage = manageClient(gateway.url);
});
afterAll(() => gateway?.stop());

describe('/v1/manage/group', () => {
  it('creates, lists a page at a time, shows, renames and deletes groups', async () => {
    const created = await manage('POST', '/group', { name: 'research', description: 'R&D', monthly_limit: 25, models: ['openai/*', 'mock/echo'] });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    expect(created.json).toMatchObject({ id: expect.stringMatching(/^grp_/), name: 'research', description: 'R&D', monthly_limit: 25, spend: 0, models: ['openai/*', 'mock/echo'], members: [] });
    for (const name of ['a', 'b', 'c']) await manage('POST', '/group', { name });

    const seen: unknown[] = [];
    let cursor: unknown = undefined;
    do {
      const page = await manage('GET', `/group?limit=2${cursor ? `&cursor=${String(cursor)}` : ''}`);
      expect((page.json.data as unknown[]).length).toBeLessThanOrEqual(2);
      seen.push(...(page.json.data as { name: string }[]).map((group) => group.name));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'research']);

    expect((await manage('POST', `/group/${id}`, { name: 'research & dev' })).json).toMatchObject({ name: 'research & dev', description: 'R&D' });
    expect((await manage('POST', `/group/${id}/limit`, { monthly_limit: null })).json.monthly_limit).toBeNull();
    expect((await manage('POST', `/group/${id}/models`, { models: ['mock/echo', 'mock/echo'] })).json.models).toEqual(['mock/echo']);
    expect((await manage('DELETE', `/group/${id}`)).json).toEqual({ id, deleted: true });
    expect((await manage('GET', `/group/${id}`)).status).toBe(404);
    expect((await manage('DELETE', `/group/${id}`)).status).toBe(404);
  });

  it('adds members with a role, changes the role, removes them', async () => {
    const id = String((await manage('POST', '/group', { name: 'team' })).json.id);
    const added = await manage('POST', `/group/${id}/member`, { user_id: 'ann@example.com', role: 'admin' });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ user_id: 'ann@example.com', role: 'admin' });
    expect((await manage('POST', `/group/${id}/member`, { user_id: 'bob@example.com' })).json.role).toBe('member');
    expect((await manage('POST', `/group/${id}/member`, { user_id: 'ann@example.com', role: 'member' })).status).toBe(409);

    const updated = await manage('POST', `/group/${id}/member/${encodeURIComponent('bob@example.com')}`, { role: 'admin' });
    expect(updated.json).toMatchObject({ user_id: 'bob@example.com', role: 'admin' });
    const shown = await manage('GET', `/group/${id}`);
    expect((shown.json.members as { user_id: string; role: string }[]).map(({ user_id, role }) => ({ user_id, role })).sort((x, y) => x.user_id.localeCompare(y.user_id))).toEqual([
      { user_id: 'ann@example.com', role: 'admin' },
      { user_id: 'bob@example.com', role: 'admin' },
    ]);

    expect((await manage('DELETE', `/group/${id}/member/ann%40example.com`)).status).toBe(200);
    expect((await manage('DELETE', `/group/${id}/member/ann%40example.com`)).status).toBe(404);
    expect((await manage('POST', `/group/${id}/member/nobody`, { role: 'admin' })).status).toBe(404);
    expect((await manage('POST', '/group/grp_missing/member', { user_id: 'x' })).json.error?.code).toBe('group_not_found');
  });

  it('refuses to delete a group that still has keys, and keys naming a group that does not exist', async () => {
    const id = String((await manage('POST', '/group', { name: 'busy' })).json.id);
    const key = await manage('POST', '/apikey', { name: 'member key', group_id: id });
    expect(key.json.group_id).toBe(id);
    expect((await manage('DELETE', `/group/${id}`)).json.error?.code).toBe('group_in_use');
    expect((await manage('POST', `/apikey/${String(key.json.id)}/group`, { group_id: null })).json.group_id).toBeNull();
    expect((await manage('DELETE', `/group/${id}`)).status).toBe(200);
    const orphan = await manage('POST', '/apikey', { name: 'orphan', group_id: 'grp_missing' });
    expect(orphan.status).toBe(400);
    expect(orphan.json.error).toMatchObject({ code: 'group_not_found', param: 'group_id' });
  });

  it('validates every input with a 400 naming the field', async () => {
    const param = async (method: string, path: string, body: unknown) => (await manage(method, path, body)).json.error?.param;
    expect(await param('POST', '/group', { name: '' })).toBe('name');
    expect(await param('POST', '/group', { name: 'x', monthly_limit: -1 })).toBe('monthly_limit');
    expect(await param('POST', '/group', { name: 'x', models: ['nope/x'] })).toBe('models[0]');
    expect(await param('POST', '/group', { name: 'x', colour: 'red' })).toBe(null);
    const id = String((await manage('POST', '/group', { name: 'x' })).json.id);
    expect(await param('POST', `/group/${id}/member`, { user_id: 'a', role: 'owner' })).toBe('role');
    expect((await manage('POST', '/group', '{not json')).status).toBe(400);
  });
});

describe('/v1/manage/org', () => {
  it('starts with defaults, and updates name, limits and balance', async () => {
    expect((await manage('GET', '/org')).json).toMatchObject({
      name: 'Switchboard',
      balance: null,
      monthly_limit: null,
      default_key_limit: null,
      approved_models: null,
      spend: 0,
      total_spend: 0,
    });
    const updated = await manage('POST', '/org', { name: 'Acme', monthly_limit: 1000, default_key_limit: 10, balance: 500 });
    expect(updated.json).toMatchObject({ name: 'Acme', monthly_limit: 1000, default_key_limit: 10, balance: 500 });
    expect((await manage('GET', '/org')).json).toMatchObject({ name: 'Acme', balance: 500 });
    expect((await manage('POST', '/org', { balance: -5 })).json.error?.param).toBe('balance');
    expect((await manage('POST', '/org', { owner: 'me' })).status).toBe(400);
  });
});

describe('management authentication', () => {
  it('refuses API keys without the manage permission on every new endpoint, with 403', async () => {
    const asApiKey = manageClient(gateway.url, testKey);
    for (const [method, path] of [['GET', '/group'], ['POST', '/group'], ['GET', '/org'], ['POST', '/org/approved-models']] as const) {
      expect((await asApiKey(method, path, method === 'POST' ? {} : undefined)).status).toBe(403);
    }
  });
});
