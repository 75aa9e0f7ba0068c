import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { clearOfBoundary } from '../support/clear-of-boundary.js';
import { getWithBody } from '../support/get-with-body.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, testAdminKey } from '../support/test-gateway.js';

// Requesty's usage pages (https://docs.requesty.ai/api-reference/endpoint/manage-api-key-get-usage,
// its current and its older form; https://docs.requesty.ai/api-reference/endpoint/manage-org-get-usage, the
// organisation's; https://docs.requesty.ai/integrations/openwebui, its usage query) and group pages
// (https://docs.requesty.ai/api-reference/endpoint/manage-group/manage-group-{list,create,get,delete},
// manage-group-member/manage-group-member-{add,update,remove}), replayed as written.

const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let admin: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start() });
  admin = manageClient(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const dayMs = 86_400_000;
const micros = (dollars: unknown) => Math.round(Number(dollars) * 1e6);

interface Entry {
  completions_requests: number;
  spend: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  grouped_data?: (Omit<Entry, 'grouped_data'> & { group_by_values: Record<string, string | boolean | null> })[];
}

/** A key made in Requesty's shape, and what its calls cost as the gateway told the client. */
async function keyWithCalls(models: string[]) {
  const { json } = await admin('POST', '/apikey', { name: 'usage', permissions: { manage: 'none', completions: 'write' } });
  const key = String(json.api_key);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  const costs: number[] = [];
  for (const model of models) {
    const { response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    costs.push(micros(response.headers.get('x-switchboard-cost')));
  }
  return { id: String(json.api_key_id), key, costs };
}

const total = (costs: number[]) => costs.reduce((sum, cost) => sum + cost, 0);

describe("Requesty's usage pages against this gateway", () => {
  it('answers the usage page\'s GET with a JSON body per period, `completions_requests`, tokens and `grouped_data` by `model_requested`', { timeout: 60_000 }, async () => {
    await clearOfBoundary(dayMs);
    const { id, costs } = await keyWithCalls(['openai/gpt-4o-mini', 'openai/gpt-4o-mini', 'openai/gpt-4o']);
    const today = new Date().toISOString().slice(0, 10);
    // The page's curl: `{"start", "end", "group_by": [...], "resolution": "day"}` as the body of a GET.
    const response = await getWithBody(
      `${gateway.url}/v1/manage/apikey/${id}/usage`,
      { Authorization: `Bearer ${testAdminKey}`, 'Content-Type': 'application/json' },
      JSON.stringify({ start: `${today}T00:00:00Z`, end: `${today}T23:59:59Z`, group_by: ['model_requested'], resolution: 'day' }),
    );
    expect(response.status).toBe(200);
    const usage = (JSON.parse(response.body) as { usage: Record<string, Entry> }).usage;
    const entry = usage[today];
    expect(entry).toMatchObject({ completions_requests: 3, input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) });
    expect(micros(entry?.spend)).toBe(total(costs));
    const byModel = (model: string) => entry?.grouped_data?.find((group) => group.group_by_values.model_requested === model);
    expect(byModel('openai/gpt-4o-mini')).toMatchObject({ completions_requests: 2 });
    expect(micros(byModel('openai/gpt-4o-mini')?.spend)).toBe(total(costs.slice(0, 2)));
    expect(byModel('openai/gpt-4o')).toMatchObject({ completions_requests: 1 });
  });

  it('answers a key asking about itself by query parameters, `end` left out, grouped by `model_used`, as Requesty clients ask', { timeout: 60_000 }, async () => {
    await clearOfBoundary(dayMs);
    const { key, costs } = await keyWithCalls(['openai/gpt-4o-mini', 'mock/echo']);
    const today = new Date().toISOString().slice(0, 10);
    const query = new URLSearchParams({ start: `${today}T00:00:00Z`, group_by: 'model_used', resolution: 'hour' });
    const response = await fetch(`${gateway.url}/v1/manage/apikey/self/usage?${query}`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    const usage = ((await response.json()) as { end: string; usage: Record<string, Entry> });
    expect(usage.end).toBe(new Date(Date.parse(`${today}T00:00:00Z`) + dayMs).toISOString());
    const groups = Object.values(usage.usage).flatMap((entry) => entry.grouped_data ?? []);
    expect(groups.map((group) => group.group_by_values.model_used).sort()).toEqual(['mock/echo', 'openai/gpt-4o-mini']);
    expect(micros(Object.values(usage.usage).reduce((sum, entry) => sum + entry.spend, 0))).toBe(total(costs));
  });

  it("answers the page's query over the whole organisation at /v1/manage/org/usage, grouped by `origin_title` (Open WebUI's X-Title), `group_name` and `is_byok`", { timeout: 60_000 }, async () => {
    await clearOfBoundary(dayMs);
    const groupId = String((await admin('POST', '/group', { name: 'Compat team' })).json.group_id);
    const { json } = await admin('POST', '/apikey', { name: 'webui', group_id: groupId, permissions: { manage: 'none', completions: 'write' } });
    // Open WebUI names itself with X-Title, as the usage links of Requesty's Open WebUI page filter it (`origin_title=Open WebUI`).
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.api_key), maxRetries: 0, defaultHeaders: { 'X-Title': 'Open WebUI' } });
    const { response } = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    const cost = micros(response.headers.get('x-switchboard-cost'));
    const today = new Date().toISOString().slice(0, 10);
    const answer = await getWithBody(
      `${gateway.url}/v1/manage/org/usage`,
      { Authorization: `Bearer ${testAdminKey}`, 'Content-Type': 'application/json' },
      JSON.stringify({ start: `${today}T00:00:00Z`, end: `${today}T23:59:59Z`, group_by: ['origin_title', 'group_name', 'is_byok'], resolution: 'day' }),
    );
    expect(answer.status).toBe(200);
    const entry = (JSON.parse(answer.body) as { usage: Record<string, Entry> }).usage[today];
    const ours = entry?.grouped_data?.find((group) => group.group_by_values.origin_title === 'Open WebUI' && group.group_by_values.group_name === 'Compat team');
    expect(ours).toMatchObject({ group_by_values: { origin_title: 'Open WebUI', group_name: 'Compat team', is_byok: true }, completions_requests: 1 });
    expect(micros(ours?.spend)).toBe(cost);
  });

  it('answers the older usage call, `GET /v1/manage/apikey/{id}?start_date=&end_date=`, with `completions_requests` and `spend`', { timeout: 60_000 }, async () => {
    await clearOfBoundary(dayMs);
    const { id, costs } = await keyWithCalls(['openai/gpt-4o-mini', 'openai/gpt-4o-mini']);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + dayMs).toISOString().slice(0, 10);
    const both = await admin('GET', `/apikey/${id}?start_date=${today}&end_date=${tomorrow}`);
    expect(both.status).toBe(200);
    expect(both.json).toMatchObject({ completions_requests: 2, spend: expect.any(Number) });
    expect(micros(both.json.spend)).toBe(total(costs));
    // `end_date` is exclusive, and by default tomorrow.
    expect((await admin('GET', `/apikey/${id}?start_date=${today}`)).json).toEqual(both.json);
    expect((await admin('GET', `/apikey/${id}?start_date=${today}&end_date=${today}`)).json.error?.param).toBe('end_date');
    expect((await admin('GET', `/apikey/${id}?start_date=2025-13-01`)).json.error?.param).toBe('start_date');
    const yesterday = new Date(Date.now() - dayMs).toISOString().slice(0, 10);
    expect((await admin('GET', `/apikey/${id}?start_date=${yesterday}&end_date=${today}`)).json).toMatchObject({ completions_requests: 0, spend: 0 });
    // Without them, the path still answers the key.
    expect((await admin('GET', `/apikey/${id}`)).json).toMatchObject({ id, name: 'usage' });
  });
});

describe("Requesty's group pages against this gateway", () => {
  it('creates, lists under `groups`, gets and deletes a group, answering `group_id` on create', async () => {
    // Create Group: `{"name": "Engineering Team", "monthly_limit": 1000}` → `{"group_id"}`.
    const created = await admin('POST', '/group', { name: 'Engineering Team', monthly_limit: 1000 });
    expect(created.status).toBe(201);
    const groupId = String(created.json.group_id);
    expect(groupId).toBe(created.json.id);
    const list = await admin('GET', '/group');
    expect((list.json.groups as { id: string; name: string }[]).find((group) => group.id === groupId)).toMatchObject({ name: 'Engineering Team', monthly_limit: 1000 });
    expect((await admin('GET', `/group/${groupId}`)).json).toMatchObject({ id: groupId, name: 'Engineering Team', members: [] });
    expect((await admin('DELETE', `/group/${groupId}`)).status).toBe(200);
    expect((await admin('GET', `/group/${groupId}`)).status).toBe(404);
  });

  it('adds a member, updates its role and removes it at the member paths, by PUT, PATCH or DELETE', async () => {
    const groupId = String((await admin('POST', '/group', { name: 'members' })).json.group_id);
    // Add Group Member: `{"user_id": "user-123", "role": "member"}`.
    expect(await admin('POST', `/group/${groupId}/member`, { user_id: 'user-123', role: 'member' })).toMatchObject({ status: 201, json: { user_id: 'user-123', role: 'member' } });
    expect((await admin('PUT', `/group/${groupId}/member/user-123`, { role: 'admin' })).json.role).toBe('admin');
    expect((await admin('PATCH', `/group/${groupId}/member/user-123`, { role: 'member' })).json.role).toBe('member');
    expect((await admin('PUT', `/group/${groupId}/member`, { user_id: 'user-123', role: 'admin' })).json.role).toBe('admin');
    expect((await admin('GET', `/group/${groupId}`)).json.members).toEqual([{ user_id: 'user-123', role: 'admin', added_at: expect.any(String) }]);
    expect((await admin('DELETE', `/group/${groupId}/member/user-123`)).status).toBe(200);
    expect((await admin('GET', `/group/${groupId}`)).json.members).toEqual([]);

    await admin('POST', `/group/${groupId}/member`, { user_id: 'user-456', role: 'member' });
    expect((await admin('DELETE', `/group/${groupId}/member`, { user_id: 'user-456' })).status).toBe(200);
    expect(await admin('DELETE', `/group/${groupId}/member`, { user_id: 'user-456' })).toMatchObject({ status: 404, json: { error: { code: 'member_not_found' } } });
    expect(await admin('PUT', `/group/${groupId}/member/user-123`, { role: 'owner' })).toMatchObject({ status: 400, json: { error: { param: 'role' } } });
  });
});
