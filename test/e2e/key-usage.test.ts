import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountOf } from '../../lambdas/core/accounting/directory-lookup.js';
import { openLedger } from '../../lambdas/gateway/accounting.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { clearOfBoundary } from '../support/clear-of-boundary.js';
import { getWithBody } from '../support/get-with-body.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream, upstreamUsage } from '../support/mock-openai-upstream.js';
import { startTestGateway, testAdminKey } from '../support/test-gateway.js';

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

const hello = [{ role: 'user' as const, content: 'Hi' }];
const micros = (dollars: unknown) => Math.round(Number(dollars) * 1e6);
const hourMs = 3_600_000;
const dayMs = 86_400_000;
/** The UTC day holding `at`, as a usage query's range. */
const dayOf = (at: number) => {
  const date = new Date(at).toISOString().slice(0, 10);
  return { start: `${date}T00:00:00Z`, end: `${date}T23:59:59Z` };
};
const day = { start: '2025-11-29T00:00:00Z', end: '2025-11-29T23:59:59Z' };

interface Sums {
  spend: number;
  requests: number;
  total_tokens: number;
  cached_tokens: number;
}
type Report = Record<string, Sums & { grouped_data?: (Sums & { group_by_values: Record<string, string | null> })[] }>;

async function newKey(headers: Record<string, string> = {}) {
  const { json } = await manage('POST', '/apikey', { name: 'usage' });
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0, defaultHeaders: headers });
  return { id: String(json.id), key: String(json.key), client };
}

/** One chat request; what the client was told it cost and used. */
async function call(client: OpenAI, model: string, headers: Record<string, string> = {}) {
  const { data, response } = await client.chat.completions.create({ model, messages: hello }, { headers }).withResponse();
  return {
    cost: micros(response.headers.get('x-switchboard-cost')),
    tokens: data.usage?.total_tokens ?? Number.NaN,
    cached: data.usage?.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

const sum = (calls: { cost: number; tokens: number; cached: number }[]) => ({
  requests: calls.length,
  spend: calls.reduce((total, c) => total + c.cost, 0),
  total_tokens: calls.reduce((total, c) => total + c.tokens, 0),
  cached_tokens: calls.reduce((total, c) => total + c.cached, 0),
});
const seen = (sums: Sums | undefined) => sums && { requests: sums.requests, spend: micros(sums.spend), total_tokens: sums.total_tokens, cached_tokens: sums.cached_tokens };

describe('the usage endpoint', () => {
  it('reports per UTC hour, grouped by provider, key and model served, with cached tokens, from a JSON body or query parameters alike', { timeout: 60_000 }, async () => {
    const { id, client } = await newKey();
    await clearOfBoundary(hourMs);
    const thisHour = `${new Date().toISOString().slice(0, 13)}:00:00Z`;
    const range = dayOf(Date.now());
    const openai = [await call(client, 'openai/gpt-4o-mini'), await call(client, 'openai/gpt-4o-mini')];
    const echo = [await call(client, 'mock/echo')];
    expect(openai[0]?.cached).toBe(upstreamUsage.prompt_tokens_details.cached_tokens);

    const posted = await manage('POST', `/apikey/${id}/usage`, { ...range, resolution: 'hour', group_by: ['provider', 'api_key', 'model_served'] });
    expect(posted.status).toBe(200);
    const usage = posted.json.usage as Report;
    expect(Object.keys(usage)).toEqual([thisHour]);
    const hour = usage[thisHour];
    expect(seen(hour)).toEqual(sum([...openai, ...echo]));
    const group = (provider: string) => hour?.grouped_data?.find((g) => g.group_by_values.provider === provider);
    expect(group('openai')?.group_by_values).toEqual({ provider: 'openai', api_key: id, model_served: 'openai/gpt-4o-mini' });
    expect(seen(group('openai'))).toEqual(sum(openai));
    expect(group('mock')?.group_by_values).toEqual({ provider: 'mock', api_key: id, model_served: 'mock/echo' });
    expect(seen(group('mock'))).toEqual(sum(echo));

    // The same report as a GET with a query string: a repeated parameter joins the list, as on a function URL.
    const query = new URLSearchParams({ ...range, resolution: 'hour', group_by: 'provider' });
    query.append('group_by', 'api_key,model_served');
    const asQuery = await fetch(`${gateway.url}/v1/manage/apikey/${id}/usage?${query}`, { headers: { authorization: `Bearer ${testAdminKey}` } });
    expect(asQuery.status).toBe(200);
    expect(await asQuery.json()).toEqual(posted.json);
  });

  it('groups by the model requested, which the ledger records with every request it settles', async () => {
    const { id, key } = await newKey();
    const account = await accountOf(await gateway.deps.authenticator.authenticate(key), gateway.deps.directory);
    const usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 6 } };
    // Only the ledger runs on this clock (no provider is called), so its day is one of our choosing.
    const deps = { ...gateway.deps, clock: { now: () => Date.parse('2025-11-29T12:05:00Z') } };
    const settle = async (requestId: string, modelRequested: string) => {
      const facts = { requestId, requesty: undefined, modelRequested };
      const ledger = await openLedger(account, ['openai/gpt-4o-mini'], () => usage, facts, deps);
      return (await ledger.settle('openai/gpt-4o-mini', usage)).charged;
    };
    const viaPolicy = (await settle('ledger-1', 'policy/cheap')) + (await settle('ledger-2', 'policy/cheap'));
    const direct = await settle('ledger-3', 'openai/gpt-4o-mini');

    const report = await fetch(`${gateway.url}/v1/manage/apikey/${id}/usage?${new URLSearchParams({ ...day, group_by: 'model_requested,model' })}`, {
      headers: { authorization: `Bearer ${testAdminKey}` },
    });
    const groups = ((await report.json()) as { usage: Report }).usage['2025-11-29']?.grouped_data ?? [];
    const seenGroups = groups.map((g) => [g.group_by_values, g.requests, micros(g.spend), g.cached_tokens]);
    expect(seenGroups).toHaveLength(2);
    expect(seenGroups).toContainEqual([{ model_requested: 'policy/cheap', model: 'openai/gpt-4o-mini' }, 2, viaPolicy, 12]);
    expect(seenGroups).toContainEqual([{ model_requested: 'openai/gpt-4o-mini', model: 'openai/gpt-4o-mini' }, 1, direct, 6]);
  });

  it("answers Requesty's OpenWebUI usage query as written: a GET with a JSON body, grouped by extra.X-Openwebui-User-Email", { timeout: 60_000 }, async () => {
    const { id, client } = await newKey();
    await clearOfBoundary(dayMs);
    const today = new Date().toISOString().slice(0, 10);
    const month = today.slice(0, 7);
    const lastDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const ada = [
      await call(client, 'openai/gpt-4o-mini', { 'X-OpenWebUI-User-Email': 'ada@example.com', 'X-OpenWebUI-User-Name': 'Ada' }),
      await call(client, 'openai/gpt-4o', { 'X-OpenWebUI-User-Email': 'ada@example.com', 'X-OpenWebUI-User-Name': 'Ada' }),
    ];
    const bob = [await call(client, 'openai/gpt-4o-mini', { 'X-OpenWebUI-User-Email': 'bob@example.com' })];
    const anonymous = [await call(client, 'openai/gpt-4o-mini')];

    // https://docs.requesty.ai/integrations/openwebui, "Get Usage by User Email": that page's
    // curl (`-X GET` with `-d`), with our host, our management key and this month for November 2025.
    const response = await getWithBody(
      `${gateway.url}/v1/manage/apikey/${id}/usage`,
      { Authorization: `Bearer ${testAdminKey}`, 'Content-Type': 'application/json' },
      `{
    "start": "${month}-01T00:00:00Z",
    "end": "${lastDay}T23:59:59Z",
    "group_by": ["extra.X-Openwebui-User-Email"],
    "resolution": "day"
  }`,
    );
    expect(response.status).toBe(200);
    const usage = (JSON.parse(response.body) as { usage: Report }).usage;
    expect(Object.keys(usage)).toEqual([today]);
    const totals = usage[today];
    expect(seen(totals)).toEqual(sum([...ada, ...bob, ...anonymous]));
    const byEmail = (email: string | null) => totals?.grouped_data?.find((g) => g.group_by_values['extra.X-Openwebui-User-Email'] === email);
    expect(byEmail('ada@example.com')?.group_by_values).toEqual({ 'extra.X-Openwebui-User-Email': 'ada@example.com' });
    expect(seen(byEmail('ada@example.com'))).toEqual(sum(ada));
    expect(seen(byEmail('bob@example.com'))).toEqual(sum(bob));
    expect(seen(byEmail(null))).toEqual(sum(anonymous));
    expect(totals?.grouped_data).toHaveLength(3);
  });

  it('refuses a query given both ways, unknown parameters, unknown group-bys and hourly reports over 31 days, naming the parameter', async () => {
    const { id } = await newKey();
    const url = (query: Record<string, string>) => `${gateway.url}/v1/manage/apikey/${id}/usage?${new URLSearchParams(query)}`;
    const refused = async (query: Record<string, string>, body?: unknown) => {
      const response =
        body === undefined
          ? await fetch(url(query), { headers: { authorization: `Bearer ${testAdminKey}` } })
          : await fetch(url(query), { method: 'POST', headers: { authorization: `Bearer ${testAdminKey}` }, body: JSON.stringify(body) });
      const json = (await response.json()) as { error: { code: string; param: string | null; message: string } };
      return { status: response.status, code: json.error.code, param: json.error.param, message: json.error.message };
    };
    expect(await refused({ resolution: 'hour' }, day)).toMatchObject({ status: 400, param: 'resolution', message: expect.stringContaining('not both') });
    expect(await refused({ ...day, colour: 'red' })).toMatchObject({ status: 400, code: 'invalid_request', param: 'colour' });
    expect(await refused({ ...day, group_by: 'model,colour' })).toMatchObject({ status: 400, param: 'group_by', message: expect.stringContaining('entry number 2') });
    expect(await refused({ ...day, group_by: 'model,user,provider,api_key' })).toMatchObject({ status: 400, param: 'group_by' });
    expect(await refused({ start: '2025-10-01T00:00:00Z', end: '2025-11-29T00:00:00Z', resolution: 'hour' })).toMatchObject({
      status: 400,
      param: 'end',
      message: expect.stringContaining('31 days'),
    });
    expect(await refused({ end: day.end })).toMatchObject({ status: 400, param: 'start' });
    expect(await refused({}, { ...day, resolution: 'hour', group_by: ['model_requested', 'sandwich'] })).toMatchObject({ status: 400, param: 'group_by[1]' });
    // A month of hours is fine.
    expect((await fetch(url({ start: '2025-10-30T00:00:00Z', end: '2025-11-29T23:00:00Z', resolution: 'hour' }), { headers: { authorization: `Bearer ${testAdminKey}` } })).status).toBe(200);
  });
});
