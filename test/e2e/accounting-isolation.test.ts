import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeLetter } from '../../lambdas/adapters/dead-letters/dead-letter-codec.js';
import { billingPeriod } from '../../lambdas/core/accounting/periods.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

/**
 * Money under hostile input, through the local server as `npm start` runs it: usage is written
 * in batches (every minute here, so each test decides with flush() what shares a batch), and
 * what cannot be written goes to the data folder.
 */
const upstream = new MockOpenAIUpstream();
const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-data-'));
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), SWITCHBOARD_USAGE_WRITES: '60000', SWITCHBOARD_DATA_DIR: dataDir });
  manage = manageClient(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const hello = [{ role: 'user' as const, content: 'Hi' }];
const micros = (dollars: unknown) => Math.round(Number(dollars) * 1e6);
const range = () => ({ start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date(Date.now() + 60_000).toISOString() });

async function newKey(body: Record<string, unknown> = {}) {
  const { json } = await manage('POST', '/apikey', { name: 'isolation', ...body });
  return { id: String(json.id), key: String(json.key), client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0 }) };
}

/** A non-streaming call; resolves with its reported cost in micro-dollars. */
async function charged(client: OpenAI, requesty: Record<string, unknown> = {}, model = 'openai/gpt-4o-mini'): Promise<number> {
  const { response } = await client.chat.completions
    .create({ model, messages: hello, max_tokens: 20, requesty } as OpenAI.ChatCompletionCreateParamsNonStreaming)
    .withResponse();
  return micros(response.headers.get('x-switchboard-cost'));
}

async function refusal(promise: Promise<unknown>) {
  return (await promise.then(() => undefined, (error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
}

async function usageSpend(keyId: string): Promise<{ spend: number; requests: number }> {
  const { json } = await manage('POST', `/apikey/${keyId}/usage`, { ...range(), resolution: 'month' });
  const periods = Object.values(json.usage as Record<string, { spend: number; requests: number }>);
  return { spend: micros(periods.reduce((sum, period) => sum + period.spend, 0)), requests: periods.reduce((sum, period) => sum + period.requests, 0) };
}

describe('hostile requesty fields', () => {
  it("are refused with a 400 naming the field, while another key's spend keeps being recorded", async () => {
    const attacker = await newKey();
    const other = await newKey({ monthly_limit: 1 });
    const poison = await refusal(charged(attacker.client, { extra: { '': 'x' } }));
    expect(poison).toMatchObject({ status: 400, code: 'invalid_request', param: 'requesty.extra.' });
    // Deeper than any JSON.stringify can go (the SDKs' included), so sent as text.
    const deep = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${attacker.key}`, 'content-type': 'application/json' },
      body: `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"requesty":{"extra":{"deep":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}}`,
    });
    expect(deep.status).toBe(400);
    // Refused before anything walks into it: the body nests deeper than any real request.
    expect(await deep.json()).toMatchObject({ error: { code: 'invalid_request', message: expect.stringMatching(/nests arrays and objects deeper/) } });
    expect(await refusal(charged(attacker.client, {}, `openai/${'m'.repeat(300)}`))).toMatchObject({ status: 400, param: 'model' });
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: attacker.key, maxRetries: 0 });
    const viaMessages = await anthropic.messages
      .create({ model: 'openai/gpt-4o-mini', max_tokens: 20, messages: hello, requesty: { extra: { '': 'x' } } } as Anthropic.MessageCreateParamsNonStreaming)
      .then(() => undefined, (error: unknown) => error as InstanceType<typeof Anthropic.APIError>);
    expect(viaMessages).toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('requesty.extra.') } } });
    expect((await refusal(attacker.client.embeddings.create({ model: 'mock/embed', input: 'hi', requesty: { extra: { '': 'x' } } } as OpenAI.EmbeddingCreateParams))).param).toBe('requesty.extra.');

    const costs = [await charged(other.client, { extra: { team: 'a' } }), await charged(other.client)];
    await gateway.deps.usage.flush();
    expect(micros((await manage('GET', `/apikey/${other.id}`)).json.spend)).toBe(costs[0]! + costs[1]!);
    expect(micros((await manage('GET', `/apikey/${attacker.id}`)).json.spend)).toBe(0);
  });
});

describe('usage reports', () => {
  it('give each of two keys exactly its own charges when their alike requests are settled in one batch', async () => {
    const [first, second] = [await newKey(), await newKey({ monthly_limit: 5 })];
    const alike = { user_id: 'ann', extra: { team: 'search' } };
    const costs = await Promise.all([first, second, first, second, first].map((key) => charged(key.client, alike)));
    await gateway.deps.usage.flush();
    const own = (indices: number[]) => indices.reduce((sum, i) => sum + (costs[i] ?? NaN), 0);
    expect(await usageSpend(first.id)).toEqual({ spend: own([0, 2, 4]), requests: 3 });
    expect(await usageSpend(second.id)).toEqual({ spend: own([1, 3]), requests: 2 });
    expect(micros((await manage('GET', `/apikey/${first.id}`)).json.spend)).toBe(own([0, 2, 4]));
    expect(micros((await manage('GET', `/apikey/${second.id}`)).json.spend)).toBe(own([1, 3]));
  });
});

describe('a settlement the store refuses', () => {
  it('is dead-lettered to the data folder while the rest of its batch is charged, and capped keys keep working', async () => {
    const capped = await newKey({ monthly_limit: 0.0002 });
    const other = await newKey();
    // Until the capped key's reservations fill its budget: they are released only by writing their settlements.
    const cappedCosts: number[] = [];
    for (;;) {
      const outcome = await charged(capped.client).then((cost) => cost, (error: unknown) => error);
      if (typeof outcome !== 'number') {
        expect(outcome).toMatchObject({ status: 402 });
        break;
      }
      cappedCosts.push(outcome);
      expect(cappedCosts.length).toBeLessThan(50);
    }
    expect(cappedCosts.length).toBeGreaterThan(0);
    const otherCost = await charged(other.client);
    // A poison settlement in the same batch, as a request with `requesty.extra: {"": "x"}` made one before the edge refused it.
    const poisoned = { requestId: 'poisoned-request', keyId: other.id, at: Date.now(), model: 'openai/gpt-4o-mini', cost: 17, inputTokens: 1, outputTokens: 1, totalTokens: 2, extra: { '': 'x' } };
    await gateway.deps.usage.settle(poisoned, [{ owner: `key#${other.id}`, period: billingPeriod(Date.now()).id }], undefined);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await gateway.deps.usage.flush();
    vi.restoreAllMocks();

    expect(errors.mock.calls.map(([line]) => String(line))).toEqual([expect.stringContaining('Usage of request poisoned-request')]);
    const letters = readFileSync(join(dataDir, 'dead-letters', 'usage.jsonl'), 'utf8').trim().split('\n').map(decodeLetter);
    expect(letters).toEqual([expect.objectContaining({ settlement: expect.objectContaining({ record: poisoned }), reason: expect.objectContaining({ rejected: true }) })]);
    const total = cappedCosts.reduce((sum, cost) => sum + cost, 0);
    expect(micros((await manage('GET', `/apikey/${capped.id}`)).json.spend)).toBe(total);
    expect(micros((await manage('GET', `/apikey/${other.id}`)).json.spend)).toBe(otherCost);
    // Its reservations were replaced by the actual costs, so the capped key has room again.
    expect(await charged(capped.client)).toBeGreaterThanOrEqual(0);
  });
});
