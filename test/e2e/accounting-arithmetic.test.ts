import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { anthropicUsage, MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

const upstream = new MockAnthropicUpstream();
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({ ANTHROPIC_BASE_URL: await upstream.start(), ANTHROPIC_API_KEY: 'sk-ant-upstream', SWITCHBOARD_MARKUP: '0.05' });
  manage = manageClient(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

describe('accounting arithmetic on DynamoDB Local', () => {
  it('prices fresh input, cache reads, cache writes and output at their own rates, adds the markup, and counts exactly that', async () => {
    // claude-sonnet-4-5 per million tokens: input $3, output $15, cache read $0.30, cache write $3.75.
    const { input_tokens: fresh, cache_read_input_tokens: read, cache_creation_input_tokens: written, output_tokens: output } = anthropicUsage;
    const atCost = fresh * 3 + read * 0.3 + written * 3.75 + output * 15; // micro-dollars: 60 + 30 + 18.75 + 180
    const expected = Math.ceil(atCost * 1.05); // 5% markup, rounded up to a whole micro-dollar
    expect(expected).toBe(304);

    const created = await manage('POST', '/apikey', { name: 'arithmetic', monthly_limit: 1 });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(created.json.key), maxRetries: 0 });
    const ask = { model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 50 };
    const { data, response } = await client.chat.completions.create(ask).withResponse();
    expect(response.headers.get('x-switchboard-cost')).toBe((expected / 1e6).toFixed(6));
    expect((data.usage as { cost?: number }).cost).toBe(expected / 1e6);
    let streamedCost: number | undefined;
    for await (const chunk of await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } })) {
      streamedCost = (chunk.usage as { cost?: number } | null | undefined)?.cost ?? streamedCost;
    }
    expect(streamedCost).toBe(expected / 1e6);

    const key = await manage('GET', `/apikey/${String(created.json.id)}`);
    expect(key.json.spend).toBe((2 * expected) / 1e6);
    const usage = await manage('POST', `/apikey/${String(created.json.id)}/usage`, {
      start: new Date(Date.now() - 3_600_000).toISOString(),
      end: new Date().toISOString(),
      resolution: 'month',
    });
    const [month] = Object.values(usage.json.usage as Record<string, { spend: number; requests: number; input_tokens: number; output_tokens: number }>);
    expect(month).toMatchObject({ spend: (2 * expected) / 1e6, requests: 2, input_tokens: 2 * (fresh + read + written), output_tokens: 2 * output });
  });
});
