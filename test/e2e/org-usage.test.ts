import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { clearOfBoundary } from '../support/clear-of-boundary.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start() });
  manage = manageClient(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const dayMs = 86_400_000;
const micros = (dollars: unknown) => Math.round(Number(dollars) * 1e6);
const today = () => new Date().toISOString().slice(0, 10);
const todayRange = () => ({ start: `${today()}T00:00:00Z`, end: `${today()}T23:59:59Z` });

interface Sums {
  spend: number;
  requests: number;
  completions_requests: number;
}
type Group = Sums & { group_by_values: Record<string, string | boolean | null> };
type Report = { usage: Record<string, Sums & { grouped_data?: Group[] }> };

async function newGroup(name: string) {
  return String((await manage('POST', '/group', { name })).json.group_id);
}

async function newKey(groupId?: string) {
  const { json } = await manage('POST', '/apikey', { name: 'org usage', ...(groupId ? { group_id: groupId } : {}) });
  return { id: String(json.api_key_id), key: String(json.api_key) };
}

/** One chat request as an app naming itself by `headers`; what it cost as the client was told. */
async function call(key: string, headers: Record<string, string> = {}) {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0, defaultHeaders: headers });
  const { response } = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
  return micros(response.headers.get('x-switchboard-cost'));
}

const groupsOf = (report: Report) => Object.values(report.usage).flatMap((entry) => entry.grouped_data ?? []);
/** The groups whose values include `values`, summed over the periods. */
function summed(report: Report, values: Record<string, string | boolean | null>) {
  const matching = groupsOf(report).filter((group) => Object.entries(values).every(([name, value]) => group.group_by_values[name] === value));
  return { requests: matching.reduce((sum, group) => sum + group.requests, 0), spend: matching.reduce((sum, group) => sum + micros(group.spend), 0) };
}

describe('usage by group, calling app and BYOK', () => {
  it("groups a key's usage by the group it was in when each request came (id and name), and by the calling app's X-Title or else HTTP-Referer", { timeout: 60_000 }, async () => {
    await clearOfBoundary(dayMs);
    const groupId = await newGroup('Search team');
    const { id, key } = await newKey(groupId);
    const inGroup = [await call(key, { 'X-Title': 'Open WebUI' }), await call(key, { 'X-Title': 'Open WebUI', 'HTTP-Referer': 'https://ignored.example' })];
    const byReferer = await call(key, { 'HTTP-Referer': 'https://app.example' });
    // Moved out of its group: later requests are in none, earlier ones stay where they were.
    expect((await manage('POST', `/apikey/${id}/group`, { group_id: null })).status).toBe(200);
    await expect.poll(async () => (await manage('GET', `/apikey/${id}`)).json.group_id ?? null).toBeNull();
    // The router reads the key through a cache: call until a request is counted outside the group.
    const later: number[] = [];
    await expect
      .poll(
        async () => {
          later.push(await call(key));
          const report = (await manage('POST', `/apikey/${id}/usage`, { ...todayRange(), group_by: ['group_id'] })).json as unknown as Report;
          return summed(report, { group_id: null }).requests;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBeGreaterThan(0);

    const report = (await manage('POST', `/apikey/${id}/usage`, { ...todayRange(), group_by: ['group_id', 'group_name', 'origin_title'] })).json as unknown as Report;
    expect(summed(report, { group_id: groupId, group_name: 'Search team', origin_title: 'Open WebUI' })).toEqual({ requests: 2, spend: inGroup[0]! + inGroup[1]! });
    expect(summed(report, { group_id: groupId, group_name: 'Search team', origin_title: 'https://app.example' })).toEqual({ requests: 1, spend: byReferer });
    // The later requests without a title: in the group while the router still had the key cached, in none after.
    const untitled = [summed(report, { group_id: groupId, origin_title: null }), summed(report, { group_id: null, group_name: null, origin_title: null })];
    expect(untitled[1]?.requests).toBeGreaterThan(0);
    expect((untitled[0]?.requests ?? 0) + (untitled[1]?.requests ?? 0)).toBe(later.length);
    expect((untitled[0]?.spend ?? 0) + (untitled[1]?.spend ?? 0)).toBe(later.reduce((sum, cost) => sum + cost, 0));
    expect(groupsOf(report).reduce((sum, group) => sum + group.requests, 0)).toBe(3 + later.length);
  });

  it('answers `is_byok` true for every request, since a self-hosted gateway calls providers with the team\'s own keys only', { timeout: 60_000 }, async () => {
    await clearOfBoundary(dayMs);
    const { id, key } = await newKey();
    const costs = [await call(key), await call(key, { 'X-Title': 'cli' })];
    const query = new URLSearchParams({ ...todayRange(), group_by: 'is_byok' });
    const report = (await manage('GET', `/apikey/${id}/usage?${query}`)).json as unknown as Report;
    expect(groupsOf(report).map((group) => group.group_by_values)).toEqual([{ is_byok: true }]);
    expect(summed(report, { is_byok: true })).toEqual({ requests: 2, spend: costs[0]! + costs[1]! });
  });
});

describe('GET|POST /v1/manage/org/usage', () => {
  it("adds up every key of the organisation, by key and by group, from a JSON body or query parameters alike, deleted keys' usage included", { timeout: 60_000 }, async () => {
    await clearOfBoundary(dayMs);
    const [red, blue] = [await newGroup('Red'), await newGroup('Blue')];
    const [first, second] = [await newKey(red), await newKey(blue)];
    const firstCosts = [await call(first.key), await call(first.key)];
    const secondCosts = [await call(second.key)];

    const posted = await manage('POST', '/org/usage', { ...todayRange(), group_by: ['api_key_id', 'group_name'], resolution: 'day' });
    expect(posted.status).toBe(200);
    expect(posted.json).toMatchObject({ resolution: 'day', group_by: ['api_key_id', 'group_name'] });
    expect(posted.json).not.toHaveProperty('key_id');
    const report = posted.json as unknown as Report;
    expect(summed(report, { api_key_id: first.id, group_name: 'Red' })).toEqual({ requests: 2, spend: firstCosts[0]! + firstCosts[1]! });
    expect(summed(report, { api_key_id: second.id, group_name: 'Blue' })).toEqual({ requests: 1, spend: secondCosts[0]! });
    // The organisation's totals hold every key's requests: ours and those of other tests today.
    const dayTotal = report.usage[today()];
    expect(dayTotal?.completions_requests).toBe(dayTotal?.requests);
    expect(groupsOf(report).reduce((sum, group) => sum + micros(group.spend), 0)).toBe(micros(dayTotal?.spend));

    const byQuery = await manage('GET', `/org/usage?${new URLSearchParams({ ...todayRange(), group_by: 'group_id' })}`);
    expect(byQuery.status).toBe(200);
    expect(summed(byQuery.json as unknown as Report, { group_id: red })).toEqual({ requests: 2, spend: firstCosts[0]! + firstCosts[1]! });
    expect(summed(byQuery.json as unknown as Report, { group_id: blue })).toEqual({ requests: 1, spend: secondCosts[0]! });

    // A deleted key's usage stays the organisation's.
    expect((await manage('DELETE', `/apikey/${first.id}`)).status).toBe(200);
    const after = (await manage('POST', '/org/usage', { ...todayRange(), group_by: ['api_key_id'] })).json as unknown as Report;
    expect(summed(after, { api_key_id: first.id }).requests).toBe(2);
  });

  it('is answered to a management key or a key with `manage`, and refused with 403 in the error shape to a key without it', { timeout: 60_000 }, async () => {
    const reader = String((await manage('POST', '/apikey', { name: 'reader', permissions: { manage: 'read', completions: 'none' } })).json.api_key);
    expect((await manageClient(gateway.url, reader)('POST', '/org/usage', todayRange())).status).toBe(200);
    expect((await manageClient(gateway.url, reader)('GET', `/org/usage?start=${todayRange().start}`)).status).toBe(200);
    const plain = await newKey();
    const refused = await manageClient(gateway.url, plain.key)('POST', '/org/usage', todayRange());
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({ code: 'permission_denied', type: 'permission_error', message: expect.stringContaining('manage') });
    expect(refused.json.error).toHaveProperty('param');
  });

  it('refuses bad options naming the parameter, as the key usage endpoint does', async () => {
    expect((await manage('POST', '/org/usage', { start: 'yesterday' })).json.error?.param).toBe('start');
    expect((await manage('POST', '/org/usage', { ...todayRange(), group_by: ['colour'] })).json.error?.param).toBe('group_by[0]');
    expect((await manage('GET', '/org/usage?start=2026-01-01T00:00:00Z&team=a')).json.error?.param).toBe('team');
  });
});
