import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { MockBedrockUpstream } from '../support/mock-bedrock-upstream.js';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const openai = new MockOpenAIUpstream();
const gemini = new MockGeminiUpstream();
const bedrock = new MockBedrockUpstream();
let gateway: LocalGateway;
let client: OpenAI;

beforeAll(async () => {
  await bedrock.start();
  gateway = await startTestGateway({ OPENAI_BASE_URL: await openai.start(), GEMINI_BASE_URL: await gemini.start(), AWS_REGION: 'eu-central-1', ANTHROPIC_API_KEY: 'sk-ant-embeddings-unused-0123456789' });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  await Promise.all([openai.stop(), gemini.stop(), bedrock.stop()]);
});

describe('POST /v1/embeddings through the openai client', () => {
  it('relays an OpenAI-compatible upstream, base64 encoding included', async () => {
    const result = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: ['a', 'b'] });
    expect(result.data.map((item) => item.embedding)).toEqual([
      [0.5, 0.25, -1],
      [1.5, 0.25, -1],
    ]);
    expect(openai.requests.at(-1)?.body).toMatchObject({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    const floats = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'a', encoding_format: 'float' });
    expect(floats.data[0]?.embedding).toEqual([0.5, 0.25, -1]);
  });

  it('embeds with Gemini (batchEmbedContents) and Bedrock (Titan via InvokeModel), in both encodings', async () => {
    const viaGemini = await client.embeddings.create({ model: 'google/gemini-embedding-001', input: ['x', 'y'], dimensions: 3 });
    expect(viaGemini.data.map((item) => item.embedding)).toEqual([
      [0, 0.5, 0.25],
      [1, 0.5, 0.25],
    ]);
    expect(gemini.requests.at(-1)?.body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'x' }] }, outputDimensionality: 3 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'y' }] }, outputDimensionality: 3 },
      ],
    });
    const viaBedrock = await client.embeddings.create({ model: 'bedrock/amazon.titan-embed-text-v2:0', input: 'hello', encoding_format: 'float' });
    expect(viaBedrock.data[0]?.embedding).toEqual([5, 1, 0]);
    expect(viaBedrock.usage.prompt_tokens).toBe(4);
    expect(bedrock.requests.at(-1)?.path).toBe('/model/amazon.titan-embed-text-v2:0/invoke');
  });

  it('embeds offline with mock/embed, deterministic unit vectors', async () => {
    const first = await client.embeddings.create({ model: 'mock/embed', input: ['same', 'other'] });
    const again = await client.embeddings.create({ model: 'mock/embed', input: 'same' });
    expect(first.data[0]?.embedding).toHaveLength(8);
    expect(first.data[0]?.embedding.map((value) => Math.round(value * 1e5))).toEqual(again.data[0]?.embedding.map((value) => Math.round(value * 1e5)));
    expect(Math.hypot(...(first.data[0]?.embedding ?? []))).toBeCloseTo(1, 5);
    expect(first.data[1]?.embedding).not.toEqual(first.data[0]?.embedding);
  });

  it('refuses providers without embeddings and token-array input where only text is understood', async () => {
    const anthropic = (await client.embeddings.create({ model: 'anthropic/claude-sonnet-4-5', input: 'x' }).catch((e: unknown) => e)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(anthropic.status).toBe(400);
    const tokens = (await client.embeddings.create({ model: 'google/gemini-embedding-001', input: [1, 2, 3] }).catch((e: unknown) => e)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(tokens.status).toBe(400);
    expect(tokens.param).toBe('input');
  });
});
