import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

const upstream = new MockOpenAIUpstream();
let strict: LocalGateway;
let defaulted: LocalGateway;

beforeAll(async () => {
  const baseUrl = await upstream.start();
  [strict, defaulted] = await Promise.all([
    startTestGateway({ OPENAI_BASE_URL: baseUrl }),
    startTestGateway({ OPENAI_BASE_URL: baseUrl, SWITCHBOARD_UNPRICED_MODEL_PRICE: '5,15' }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([strict?.stop(), defaulted?.stop()]);
  await upstream.stop();
});

async function cappedClient(gateway: LocalGateway) {
  const { json } = await manageClient(gateway.url)('POST', '/apikey', { name: 'capped', monthly_limit: 5 });
  return { id: String(json.id), client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0 }) };
}

const hello = [{ role: 'user' as const, content: 'Hi' }];

describe('a model the catalog cannot price', () => {
  it('is refused under a spend limit with an error that says how to add a price', async () => {
    const { client } = await cappedClient(strict);
    const error = (await client.chat.completions.create({ model: 'openai/not-in-catalog', messages: hello }).catch((caught: unknown) => caught)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(error.status).toBe(400);
    expect(error.code).toBe('model_not_priced');
    expect(error.param).toBe('model');
    expect(error.message).toMatch(/catalog-overrides\.json/);
    expect(error.message).toMatch(/npm run refresh-catalog/);
    expect(error.message).toMatch(/SWITCHBOARD_UNPRICED_MODEL_PRICE/);
  });

  it('is served and charged at the operator’s default price when one is set', async () => {
    const { id, client } = await cappedClient(defaulted);
    const { data, response } = await client.chat.completions.create({ model: 'openai/not-in-catalog', messages: hello, max_tokens: 50 }).withResponse();
    const usage = data.usage!;
    const expected = (usage.prompt_tokens * 5 + usage.completion_tokens * 15) / 1_000_000;
    expect(Number(response.headers.get('x-switchboard-cost'))).toBeCloseTo(expected, 9);
    const key = await manageClient(defaulted.url)('GET', `/apikey/${id}`);
    expect(key.json.spend).toBeCloseTo(expected, 9);
  });

  it('is priced by the market data when only its dated name is new', async () => {
    const { client } = await cappedClient(strict);
    const { response } = await client.chat.completions.create({ model: 'openai/gpt-4o-mini-2024-07-18', messages: hello, max_tokens: 50 }).withResponse();
    expect(response.headers.get('x-switchboard-cost')).not.toBeNull();
  });
});
