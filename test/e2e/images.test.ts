import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockGeminiUpstream, mockGeminiImage } from '../support/mock-gemini-upstream.js';
import { MockOpenAIUpstream, mockImageBase64, mockImageUsage } from '../support/mock-openai-upstream.js';
import { loggedRecord, recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const openaiUpstream = new MockOpenAIUpstream();
const geminiUpstream = new MockGeminiUpstream();
let gateway: LocalGateway;
let client: OpenAI;
let log: ReturnType<typeof recordRequestLog>;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({
    OPENAI_BASE_URL: await openaiUpstream.start(),
    OPENAI_API_KEY: 'sk-upstream-images-0123456789',
    GEMINI_BASE_URL: await geminiUpstream.start(),
    GEMINI_API_KEY: 'AIza-upstream-0123456789',
  });
  log = recordRequestLog(gateway);
  manage = manageClient(gateway.url);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await Promise.all([openaiUpstream.stop(), geminiUpstream.stop()]);
});
beforeEach(() => {
  log.records.length = 0;
});

const recordOf = (requestId: string | null) => loggedRecord(log, requestId);

async function limitedClient(monthlyLimit: number): Promise<{ id: string; client: OpenAI }> {
  const { json } = await manage('POST', '/apikey', { name: 'images', monthly_limit: monthlyLimit });
  return { id: String(json.id), client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0 }) };
}

describe('POST /v1/images/generations with the OpenAI SDK', () => {
  it('generates with an OpenAI image model, charged by the image at the quality and size the answer reports', async () => {
    const { data: images, response } = await client.images
      .generate({ model: 'openai/gpt-image-1', prompt: 'A rocket icon', n: 2, size: '1024x1024', background: 'transparent' })
      .withResponse();
    expect(images.data?.map((image) => image.b64_json)).toEqual([mockImageBase64, mockImageBase64]);
    // The mock chose medium quality for `auto`: 2 × $0.042.
    expect(images.usage).toEqual({ ...mockImageUsage, cost: 0.084 });
    expect(response.headers.get('x-switchboard-cost')).toBe('0.084000');
    expect(openaiUpstream.requests.at(-1)).toMatchObject({
      path: '/v1/images/generations',
      body: { model: 'gpt-image-1', prompt: 'A rocket icon', n: 2, size: '1024x1024', background: 'transparent' },
    });
    const record = await recordOf(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'images', model: 'openai/gpt-image-1', status: 200, cost_micros: 84_000, output_tokens: mockImageUsage.output_tokens });
  });

  it('relays URLs from models that answer with them, priced from the request', async () => {
    const images = await client.images.generate({ model: 'openai/dall-e-3', prompt: 'A garden', size: '1792x1024', quality: 'hd' });
    expect(images.data?.[0]?.url).toBe('https://images.example/0.png');
    expect((images.usage as unknown as { cost: number }).cost).toBe(0.12);
  });

  it('generates with a Gemini image model, one generateContent call an image, as data URLs or base64', async () => {
    const before = geminiUpstream.requests.length;
    const asUrl = await client.images.generate({ model: 'google/gemini-2.5-flash-image', prompt: 'A sunset', n: 2, size: '1536x1024' });
    expect(asUrl.data?.map((image) => image.url)).toEqual([`data:image/png;base64,${mockGeminiImage}`, `data:image/png;base64,${mockGeminiImage}`]);
    expect((asUrl.usage as unknown as { cost: number }).cost).toBe(0.078);
    const calls = geminiUpstream.requests.slice(before);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      path: '/v1beta/models/gemini-2.5-flash-image:generateContent',
      body: { contents: [{ role: 'user', parts: [{ text: 'A sunset' }] }], generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '3:2' } } },
    });
    const asBase64 = await client.images.generate({ model: 'google/gemini-2.5-flash-image', prompt: 'A sunset', response_format: 'b64_json' });
    expect(asBase64.data).toEqual([{ b64_json: mockGeminiImage }]);
  });

  it('holds the dearest the request could cost under a spend limit, and charges what was made', async () => {
    const { id, client: limited } = await limitedClient(0.3);
    // `auto` quality may be high: 2 × $0.167 is more than the limit, so the request is refused before any call.
    const refused = await limited.images.generate({ model: 'openai/gpt-image-1', prompt: 'x', n: 2 }).catch((error: unknown) => error);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    await limited.images.generate({ model: 'openai/gpt-image-1', prompt: 'x', quality: 'low' });
    expect((await manage('GET', `/apikey/${id}`)).json.spend).toBe(0.011);
  });

  it('refuses image models without a price under a spend limit, and models of providers without image generation', async () => {
    const { client: limited } = await limitedClient(5);
    const unpriced = (await limited.images.generate({ model: 'openai/some-new-image-model', prompt: 'x' }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(unpriced.status).toBe(400);
    expect(unpriced.code).toBe('model_not_priced');
    expect(unpriced.message).toMatch(/media-prices/);
    const noImages = (await client.images.generate({ model: 'mock/echo', prompt: 'x' }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(noImages.status).toBe(400);
    expect(noImages.param).toBe('model');
  });

  it('refuses a malformed size naming the field', async () => {
    const failure = (await client.images.generate({ model: 'openai/gpt-image-1', prompt: 'x', size: 'big' as '1024x1024' }).catch((error: unknown) => error)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(failure.status).toBe(400);
    expect(failure.param).toBe('size');
  });
});

describe('images in the answers of chat models', () => {
  it('returns a Gemini image model’s pictures as message.images data URLs, as Requesty does', async () => {
    const completion = await client.chat.completions.create({
      model: 'google/gemini-2.5-flash-image',
      messages: [{ role: 'user', content: 'Draw a sunset' }],
      // OpenAI's `modalities`, which Gemini takes as responseModalities.
      modalities: ['text', 'image'] as unknown as ['text'],
    });
    const message = completion.choices[0]?.message as OpenAI.ChatCompletionMessage & { images?: Array<{ type: string; image_url: { url: string } }> };
    expect(message.content).toBe('Hello from Gemini!');
    expect(message.images).toEqual([{ type: 'image_url', image_url: { url: `data:image/png;base64,${mockGeminiImage}` } }]);
    expect(geminiUpstream.requests.at(-1)?.body.generationConfig).toMatchObject({ responseModalities: ['TEXT', 'IMAGE'] });
  });
});
