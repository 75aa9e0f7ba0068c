import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

// gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens.
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

async function keyLimitedTo(dollars: number) {
  const { json } = await manage('POST', '/apikey', { name: 'worst-case', monthly_limit: dollars });
  return { id: String(json.id), client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0 }) };
}

const hello = [{ role: 'user' as const, content: 'Hi' }];

describe('what is held before a call', () => {
  it('holds every one of n choices: a key that can afford one choice is refused n = 3, before any call', async () => {
    // One choice of 1,000 tokens holds $0.0006 of output and about $0.00017 of input (with framing); three hold $0.0020.
    const { id, client } = await keyLimitedTo(0.0015);
    const asked = upstream.requests.length;
    const one = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 1_000 });
    expect(one.choices).toHaveLength(1);
    const three = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 1_000, n: 3 }).catch((error: unknown) => error);
    expect(three).toBeInstanceOf(OpenAI.APIError);
    expect((three as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(upstream.requests.length).toBe(asked + 1);
    const key = await manage('GET', `/apikey/${id}`);
    expect(Number(key.json.spend)).toBeLessThanOrEqual(0.0015);
  });

  it('refuses n = 128 without max_tokens on a $0.01 key, and never spends past the limit', async () => {
    const { id, client } = await keyLimitedTo(0.01);
    const outcomes = await Promise.all(
      Array.from({ length: 3 }, () => client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, n: 128 }).then(() => 200, (error: { status?: number }) => error.status)),
    );
    expect(outcomes).toEqual([402, 402, 402]);
    expect(Number((await manage('GET', `/apikey/${id}`)).json.spend)).toBe(0);
  });

  it('holds an image by what a provider may charge for one, not by the length of its URL', async () => {
    const { client } = await keyLimitedTo(0.001);
    const image = [{ role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'https://example.com/cat.png' } }] }];
    const refused = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: image, max_tokens: 10 }).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
  });
});
