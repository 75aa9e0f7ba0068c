import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { eventuallyPasses } from '../support/eventually.js';
import { getWithBody } from '../support/get-with-body.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, testAdminKey } from '../support/test-gateway.js';

const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({
    OPENAI_BASE_URL: await upstream.start(),
    // Nothing listens there: Anthropic models fail after their budget was reserved.
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    SWITCHBOARD_KEY_CACHE_TTL_MS: '100',
    SWITCHBOARD_POLICY_CACHE_TTL_MS: '100',
    SWITCHBOARD_DAILY_COUNTERS: 'true',
  });
  manage = manageClient(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const hello = [{ role: 'user' as const, content: 'Hi' }];
const micros = (dollars: unknown) => Math.round(Number(dollars) * 1e6);

async function newKey(body: Record<string, unknown> = {}) {
  const { json } = await manage('POST', '/apikey', { name: 'accounting', ...body });
  return { id: String(json.id), client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0 }), json };
}

async function call(client: OpenAI, model: string, requesty?: Record<string, unknown>) {
  const { data, response } = await client.chat.completions
    .create({ model, messages: hello, max_tokens: 20, ...(requesty ? { requesty } : {}) } as OpenAI.ChatCompletionCreateParamsNonStreaming)
    .withResponse();
  return {
    cost: micros(response.headers.get('x-switchboard-cost')),
    usageCost: micros((data.usage as { cost?: number }).cost),
    tokens: data.usage?.total_tokens ?? NaN,
    headers: response.headers,
  };
}

async function failure(promise: Promise<unknown>) {
  return (await promise.then(() => undefined, (error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
}

/** The refusal a call meets once the cached key and settings it depends on have expired: tried until it matches `refusal`. */
function refusedOnceCached(client: OpenAI, model: string, refusal: Record<string, unknown>) {
  return eventuallyPasses(async () => {
    const refused = await failure(call(client, model));
    expect(refused).toMatchObject(refusal);
    return refused;
  }, `${model} to be refused`);
}

/** A call served once the cached key and settings it depends on have expired. */
function servedOnceCached(client: OpenAI, model: string) {
  return eventuallyPasses(() => call(client, model), `${model} to be served`);
}

describe('usage accounting', () => {
  it('counts every request of a key without a limit, and the usage endpoint adds up to exactly the costs reported', async () => {
    const { id, client } = await newKey();
    const calls = [
      await call(client, 'openai/gpt-4o-mini', { user_id: 'ann', extra: { team: 'search' } }),
      await call(client, 'openai/gpt-4o', { user_id: 'ann', extra: { team: 'search' } }),
      await call(client, 'openai/gpt-4o', { extra: { team: 'ads', run: 7 } }),
      await call(client, 'mock/echo'),
    ];
    expect(calls.every((c) => c.cost === c.usageCost)).toBe(true);
    expect(calls[0]?.headers.get('x-switchboard-budget-remaining')).toBe('unlimited');
    const total = calls.reduce((sum, c) => sum + c.cost, 0);
    const costOf = (i: number) => calls[i]?.cost ?? NaN;

    const key = await manage('GET', `/apikey/${id}`);
    expect(micros(key.json.spend)).toBe(total);
    expect(micros(key.json.spend_today)).toBe(total);

    const today = new Date().toISOString().slice(0, 10);
    const range = { start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date(Date.now() + 60_000).toISOString() };
    const byModel = await manage('POST', `/apikey/${id}/usage`, { ...range, resolution: 'day', group_by: ['model'] });
    expect(byModel.status).toBe(200);
    const day = (byModel.json.usage as Record<string, { spend: number; requests: number; total_tokens: number; grouped_data: { group_by_values: Record<string, string | null>; spend: number; requests: number }[] }>)[today];
    expect(day).toMatchObject({ requests: 4, total_tokens: calls.reduce((sum, c) => sum + c.tokens, 0) });
    expect(micros(day?.spend)).toBe(total);
    const spendBy = (model: string) => micros(day?.grouped_data.find((g) => g.group_by_values.model === model)?.spend);
    expect(spendBy('openai/gpt-4o')).toBe(costOf(1) + costOf(2));
    expect(spendBy('openai/gpt-4o-mini')).toBe(costOf(0));
    expect(spendBy('mock/echo')).toBe(0);

    const byTeamAndUser = await manage('POST', `/apikey/${id}/usage`, { ...range, resolution: 'month', group_by: ['extra.team', 'user'] });
    const month = (byTeamAndUser.json.usage as Record<string, { grouped_data: { group_by_values: Record<string, string | null>; spend: number; requests: number }[] }>)[today.slice(0, 7)];
    expect(month?.grouped_data).toHaveLength(3);
    expect(month?.grouped_data).toContainEqual(
      expect.objectContaining({ group_by_values: { 'extra.team': 'search', user: 'ann' }, requests: 2, spend: (costOf(0) + costOf(1)) / 1e6 }),
    );
    expect(month?.grouped_data).toContainEqual(expect.objectContaining({ group_by_values: { 'extra.team': 'ads', user: null }, requests: 1 }));
    expect(month?.grouped_data).toContainEqual(expect.objectContaining({ group_by_values: { 'extra.team': null, user: null }, requests: 1 }));

    const weekly = await manage('POST', `/apikey/${id}/usage`, { ...range, resolution: 'week' });
    const weeks = Object.entries(weekly.json.usage as Record<string, { spend: number; requests: number }>);
    expect(weeks).toHaveLength(1);
    expect(new Date(`${weeks[0]?.[0]}T00:00:00Z`).getUTCDay()).toBe(1); // weeks start on Monday
    expect(micros(weeks[0]?.[1].spend)).toBe(total);

    const before = await manage('POST', `/apikey/${id}/usage`, { start: '2020-01-01T00:00:00Z', end: '2020-01-31T00:00:00Z' });
    expect(before.json.usage).toEqual({});

    // As Requesty's examples send it: a GET with the query as its body.
    const asGet = await getWithBody(
      `${gateway.url}/v1/manage/apikey/${id}/usage`,
      { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      JSON.stringify({ ...range, resolution: 'day', group_by: ['model'] }),
    );
    expect(asGet.status).toBe(200);
    expect(JSON.parse(asGet.body)).toEqual(byModel.json);
  });

  it('counts identical requests of a key without a limit each', async () => {
    const { id, client } = await newKey();
    const [first, second] = [await call(client, 'openai/gpt-4o-mini'), await call(client, 'openai/gpt-4o-mini')];
    expect(micros((await manage('GET', `/apikey/${id}`)).json.spend)).toBe((first?.cost ?? NaN) + (second?.cost ?? NaN));
  });

  it('refuses malformed usage queries with a 400 naming the field, and unknown keys with a 404', async () => {
    const { id } = await newKey();
    const now = new Date().toISOString();
    const bad = async (body: unknown) => (await manage('POST', `/apikey/${id}/usage`, body)).json.error?.param;
    expect(await bad({ start: now, end: '2020-01-01T00:00:00Z' })).toBe('end');
    expect(await bad({ start: 'yesterday', end: now })).toBe('start');
    expect(await bad({ start: now, end: now, resolution: 'minute' })).toBe('resolution');
    expect(await bad({ start: now, end: now, group_by: ['colour'] })).toBe('group_by[0]');
    expect(await bad({ start: '2020-01-01T00:00:00Z', end: now })).toBe('end');
    expect((await manage('POST', '/apikey/key_missing/usage', { start: now, end: now })).status).toBe(404);
  });

  it('says in a header how much budget a capped key has left', async () => {
    const { id, client } = await newKey({ monthly_limit: 1 });
    const first = await call(client, 'openai/gpt-4o-mini');
    expect(micros(first.headers.get('x-switchboard-budget-remaining'))).toBe(1_000_000 - first.cost);
    const second = await call(client, 'openai/gpt-4o-mini');
    expect(micros(second.headers.get('x-switchboard-budget-remaining'))).toBe(1_000_000 - first.cost - second.cost);
    const { response } = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 20, stream: true }).withResponse();
    await response.text();
    // A failed request gives its reservation back, and says so.
    const failed = await failure(call(client, 'anthropic/claude-haiku-4-5'));
    expect(failed.status).toBe(502);
    const spent = micros((await manage('GET', `/apikey/${id}`)).json.spend);
    expect(spent).toBeGreaterThan(first.cost + second.cost); // the stream's cost too
    expect(micros(failed.headers?.get('x-switchboard-budget-remaining'))).toBe(1_000_000 - spent);
    // A stream's header is sent before its cost is known: its worst case is still held.
    expect(micros(response.headers.get('x-switchboard-budget-remaining'))).toBeLessThan(1_000_000 - first.cost - second.cost);
  });

  it('refuses over-budget requests on /v1/messages in Anthropic\'s error shape', async () => {
    const { json } = await newKey({ monthly_limit: 0.000001 });
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: String(json.key), maxRetries: 0 });
    const refused = (await anthropic.messages
      .create({ model: 'openai/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error)) as InstanceType<typeof Anthropic.APIError>;
    expect(refused.status).toBe(402);
    expect(refused.error).toMatchObject({ type: 'error', error: { type: 'billing_error' } });
  });

  it("caps a group's keys together, and counts their spend in the group's", async () => {
    const group = await manage('POST', '/group', { name: 'search', monthly_limit: 0.0001 });
    const groupId = String(group.json.id);
    const a = await newKey({ group_id: groupId });
    const b = await newKey({ group_id: groupId });
    expect(a.json.group_id).toBe(groupId);
    const costs: number[] = [];
    let refused: InstanceType<typeof OpenAI.APIError> | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const client = i % 2 === 0 ? a.client : b.client;
      const result = await call(client, 'openai/gpt-4o-mini').catch((error: InstanceType<typeof OpenAI.APIError>) => error);
      if ('cost' in result) costs.push(result.cost);
      else refused = result;
    }
    expect(refused?.status).toBe(402);
    expect(refused?.message).toContain('Group "search"');
    const spent = costs.reduce((sum, cost) => sum + cost, 0);
    const shown = await manage('GET', `/group/${groupId}`);
    expect(micros(shown.json.spend)).toBe(spent);
    expect(spent).toBeLessThanOrEqual(100);
    const [keyA, keyB] = await Promise.all([manage('GET', `/apikey/${a.id}`), manage('GET', `/apikey/${b.id}`)]);
    expect(micros(keyA.json.spend) + micros(keyB.json.spend)).toBe(spent);

    // A key moved out of the group is no longer held to its budget.
    await manage('POST', `/apikey/${a.id}/group`, { group_id: null });
    expect((await servedOnceCached(a.client, 'openai/gpt-4o-mini')).cost).toBeGreaterThan(0);
  });

  it("enforces the organisation's monthly budget and prepaid balance, and gives new keys its default limit", async () => {
    const { client } = await newKey();
    const orgBefore = await manage('GET', '/org');
    const spentBefore = micros(orgBefore.json.spend);
    await manage('POST', '/org', { monthly_limit: (spentBefore + 5) / 1e6 });
    await refusedOnceCached(client, 'openai/gpt-4o-mini', { status: 402, message: expect.stringContaining("organisation's monthly budget") });

    await manage('POST', '/org', { monthly_limit: null, balance: 0.00001 });
    const overBalance = await refusedOnceCached(client, 'openai/gpt-4o-mini', { status: 402, message: expect.stringContaining('prepaid balance') });
    expect(overBalance.headers?.get('x-switchboard-budget-resets-at')).toBeNull();

    const toppedUp = await manage('POST', '/org', { balance: 1 });
    expect(toppedUp.json.balance).toBe(1);
    const served = await servedOnceCached(client, 'openai/gpt-4o-mini');
    const org = await manage('GET', '/org');
    expect(micros(org.json.balance)).toBe(1_000_000 - served.cost);
    expect(micros(org.json.spend)).toBeGreaterThanOrEqual(spentBefore + served.cost);

    await manage('POST', '/org', { balance: null, default_key_limit: 2.5 });
    expect((await newKey()).json.monthly_limit).toBe(2.5);
    expect((await newKey({ monthly_limit: null })).json.monthly_limit).toBeNull();
    expect((await newKey({ monthly_limit: 1 })).json.monthly_limit).toBe(1);
    await manage('POST', '/org', { default_key_limit: null });
  });
});

describe('approved models', () => {
  it("lets keys call only the organisation's approved models, plus their group's", async () => {
    const group = await manage('POST', '/group', { name: 'openai users', models: ['openai/*'] });
    const inGroup = await newKey({ group_id: String(group.json.id) });
    const outside = await newKey();
    expect((await manage('POST', '/org/approved-models', { models: ['mock/echo', 'openai/nope-model'] })).status).toBe(200);
    expect((await manage('GET', '/org/approved-models')).json.models).toEqual(['mock/echo', 'openai/nope-model']);
    try {
      await refusedOnceCached(outside.client, 'openai/gpt-4o-mini', { status: 403, code: 'model_not_allowed' });
      expect((await outside.client.models.list()).data.map((model) => model.id)).toEqual(['mock/echo']);
      expect((await inGroup.client.models.list()).data.map((model) => model.id)).toContain('openai/gpt-4o-mini');
      expect((await call(outside.client, 'mock/echo')).cost).toBe(0);
      expect((await call(inGroup.client, 'openai/gpt-4o-mini')).cost).toBeGreaterThan(0);

      // Policies may name approved models only; one that lost its approval skips that model.
      const unapproved = await manage('POST', '/policy', { name: 'mixed', type: 'fallback', models: [{ model: 'openai/gpt-4o' }, { model: 'mock/echo' }] });
      expect(unapproved.status).toBe(400);
      expect(unapproved.json.error).toMatchObject({ code: 'model_not_allowed', param: 'models[0].model' });
      const scoped = await manage('POST', '/policy', {
        name: 'mixed',
        type: 'fallback',
        api_key_id: inGroup.id,
        models: [{ model: 'openai/gpt-4o' }, { model: 'mock/echo' }],
      });
      expect(scoped.status).toBe(201);
      await manage('POST', `/group/${String(group.json.id)}/models`, { models: [] });
      const answeredBy = async () => (await inGroup.client.chat.completions.create({ model: 'policy/mixed', messages: hello }).withResponse()).response.headers.get('x-switchboard-model');
      await eventuallyPasses(async () => expect(await answeredBy()).toBe('mock/echo'), 'the policy to skip the model its group no longer approves');
    } finally {
      await manage('POST', '/org/approved-models', { models: null });
    }
  });

  it('refuses approved-model lists naming unknown providers or models', async () => {
    const bad = await manage('POST', '/org/approved-models', { models: ['mock/echo', 'nope/x'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.param).toBe('models[1]');
    expect((await manage('POST', '/org/approved-models', { models: ['mock/unknown'] })).json.error?.param).toBe('models[0]');
  });
});
