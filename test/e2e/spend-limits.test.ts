import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingPeriod } from '../../lambdas/core/accounting/periods.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { eventuallyPasses } from '../support/eventually.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), SWITCHBOARD_KEY_CACHE_TTL_MS: '100' });
  manage = manageClient(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const hello = [{ role: 'user' as const, content: 'Hi' }];

async function newKey(monthlyLimit: number | null, groupId?: string) {
  const { json } = await manage('POST', '/apikey', { name: 'budgeted', monthly_limit: monthlyLimit, ...(groupId ? { group_id: groupId } : {}) });
  return { id: String(json.id), client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0 }) };
}

describe('monthly spend limits', () => {
  it('hold under 200 concurrent streams: never exceeded, every request served or refused with 402, and every counter equals the costs reported', async () => {
    // Each stream holds ~180 µ$ (every request byte as a token, 1,000 tokens of framing, max_tokens) and costs 5 µ$.
    const group = await manage('POST', '/group', { name: 'streamers' });
    const orgBefore = await manage('GET', '/org');
    const { id, client } = await newKey(0.0003, String(group.json.id));
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, async () => {
        try {
          const stream = await client.chat.completions.create({
            model: 'openai/gpt-4o-mini',
            messages: hello,
            max_tokens: 10,
            stream: true,
            stream_options: { include_usage: true },
          });
          let cost = 0;
          for await (const chunk of stream) cost = (chunk.usage as { cost?: number } | null | undefined)?.cost ?? cost;
          return { status: 200, cost };
        } catch (error) {
          const apiError = error as InstanceType<typeof OpenAI.APIError>;
          return { status: apiError.status ?? 0, cost: 0, code: apiError.code };
        }
      }),
    );
    const served = outcomes.filter((outcome) => outcome.status === 200);
    const refused = outcomes.filter((outcome) => outcome.status === 402);
    expect(served.length + refused.length).toBe(200);
    expect(served.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((outcome) => outcome.code === 'budget_exceeded')).toBe(true);
    const reported = served.reduce((sum, outcome) => sum + Math.round(outcome.cost * 1e6), 0);
    const micros = (dollars: unknown) => Math.round(Number(dollars) * 1e6);
    const key = await manage('GET', `/apikey/${id}`);
    expect(micros(key.json.spend)).toBe(reported);
    expect(Number(key.json.spend)).toBeLessThanOrEqual(0.0003);
    expect(micros((await manage('GET', `/group/${String(group.json.id)}`)).json.spend)).toBe(reported);
    expect(micros((await manage('GET', '/org')).json.spend) - micros(orgBefore.json.spend)).toBe(reported);
    const usage = await manage('POST', `/apikey/${id}/usage`, {
      start: new Date(Date.now() - 3_600_000).toISOString(),
      end: new Date().toISOString(),
      resolution: 'month',
    });
    const months = Object.values(usage.json.usage as Record<string, { spend: number; requests: number }>);
    expect(months.reduce((sum, month) => sum + micros(month.spend), 0)).toBe(reported);
    expect(months.reduce((sum, month) => sum + month.requests, 0)).toBe(served.length);
  });

  it('refuses before calling the provider, says when the budget resets, and lets a raised limit through at once', async () => {
    const { id, client } = await newKey(0.00001);
    const before = upstream.requests.length;
    const refused = (await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 100 })
      .catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(refused.status).toBe(402);
    expect(refused.code).toBe('budget_exceeded');
    expect(refused.headers?.get('x-switchboard-budget-resets-at')).toMatch(/^\d{4}-\d{2}-01T00:00:00.000Z$/);
    expect(refused.headers?.get('x-switchboard-budget-remaining')).toBe('0.000010');
    expect(upstream.requests.length).toBe(before);

    expect((await manage('POST', `/apikey/${id}/limit`, { monthly_limit: 1 })).json.monthly_limit).toBe(1);
    const completion = await eventuallyPasses(() => client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 100 }), 'the raised limit to let the request through');
    expect((completion.usage as { cost?: number } | undefined)?.cost).toBe(0.000005);
    expect((await manage('GET', `/apikey/${id}`)).json).toMatchObject({ spend: 0.000005, monthly_limit: 1 });
  });

  it('charges nothing when every attempt fails, and refuses models the catalog cannot price', async () => {
    const { id, client } = await newKey(1);
    await client.chat.completions.create({ model: 'openai/error-500', messages: hello }).catch(() => undefined);
    expect((await manage('GET', `/apikey/${id}`)).json.spend).toBe(0);
    const unpriced = (await client.chat.completions
      .create({ model: 'openai/not-in-catalog', messages: hello })
      .catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(unpriced.status).toBe(400);
    expect(unpriced.code).toBe('model_not_priced');
  });

  it('releases the reservation of a request that died once it expires, and only then', async () => {
    const { id, client } = await newKey(0.001);
    const counter = { owner: `key#${id}`, period: billingPeriod(Date.now()).id, limit: 1_000 };
    // A request that holds the whole budget and is still running: nothing else fits.
    expect((await gateway.deps.usage.reserve('running', 1_000, [counter], Date.now() + 60_000)).held).toBe(true);
    const refused = (await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 10 }).catch((error: unknown) => error)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(refused.status).toBe(402);
    await gateway.deps.usage.release({ requestId: 'running', amount: 1_000, counters: [counter] });
    // One that died holding it: its reservation has expired, so the next request gets the room.
    expect((await gateway.deps.usage.reserve('dead', 1_000, [counter], Date.now() - 1)).held).toBe(true);
    const served = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 10 });
    expect((served.usage as { cost?: number } | undefined)?.cost).toBe(0.000005);
    expect((await manage('GET', `/apikey/${id}`)).json.spend).toBe(0.000005);
  });

  it('leaves keys without a limit unlimited', async () => {
    const { client } = await newKey(null);
    const completion = await client.chat.completions.create({ model: 'openai/not-in-catalog', messages: hello });
    expect(completion.choices[0]?.message.content).toBeTruthy();
  });
});
