import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { MockVertexUpstream } from '../support/mock-vertex-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';
import { testServiceAccount } from '../support/test-service-account.js';

const { account, publicKey } = testServiceAccount('http://placeholder.invalid/token');
const upstream = new MockVertexUpstream(publicKey);
let gateway: LocalGateway;
let euGateway: LocalGateway;
let client: OpenAI;
let euClient: OpenAI;

beforeAll(async () => {
  const base = await upstream.start();
  const env = { VERTEX_CREDENTIALS: JSON.stringify({ ...account, token_uri: `${base}/token` }), VERTEX_BASE_URL: base };
  [gateway, euGateway] = await Promise.all([startTestGateway(env), startTestGateway({ ...env, SWITCHBOARD_EU_ONLY: 'true' })]);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
  euClient = new OpenAI({ baseURL: `${euGateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await Promise.all([gateway?.stop(), euGateway?.stop()]);
  await upstream.stop();
});

const ask = [{ role: 'user' as const, content: 'Forecast for Paris?' }];
const tools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_forecast', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];
const apiError = (promise: Promise<unknown>) => promise.then(
  () => expect.fail('expected an error'),
  (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
);

describe('vertex/* through the openai client', () => {
  it('answers a Gemini model streamed and not at its region’s endpoint, with one access token for both calls', async () => {
    const issuedBefore = upstream.issued.length;
    const plain = await client.chat.completions.create({ model: 'vertex/gemini-2.5-flash@europe-west4', messages: ask });
    expect(plain.choices[0]?.message.content).toBe('Hello from Gemini!');
    expect(plain.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 5 });
    const streamed = await client.chat.completions.stream({ model: 'vertex/gemini-2.5-flash@europe-west4', messages: ask }).finalChatCompletion();
    expect(streamed.choices[0]?.message.content).toBe('Hello from Gemini!');
    const [first, second] = upstream.modelRequests().slice(-2);
    expect(first?.path).toBe('/v1/projects/switchboard-test/locations/europe-west4/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(first?.body.contents).toEqual([{ role: 'user', parts: [{ text: 'Forecast for Paris?' }] }]);
    expect(second?.headers.authorization).toBe(first?.headers.authorization);
    expect(upstream.issued.length - issuedBefore).toBeLessThanOrEqual(1);
    expect(first?.headers.authorization).toBe(`Bearer ${upstream.issued.at(-1)}`);
  });

  it('answers a Claude model through streamRawPredict, with anthropic_version and no model in the body', async () => {
    const model = 'vertex/claude-sonnet-4-5@20250929@us-east5';
    const plain = await client.chat.completions.create({ model, messages: ask });
    expect(plain.choices[0]?.message.content).toBe('Bonjour from Claude!');
    expect(plain.usage?.prompt_tokens_details?.cached_tokens).toBe(100);
    const request = upstream.modelRequests().at(-1);
    expect(request?.path).toBe('/v1/projects/switchboard-test/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict');
    expect(request?.body).toMatchObject({ anthropic_version: 'vertex-2023-10-16', stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'Forecast for Paris?' }] }] });
    expect(request?.body).not.toHaveProperty('model');
    const streamed = await client.chat.completions.stream({ model, messages: ask }).finalChatCompletion();
    expect(streamed.choices[0]?.message.content).toBe('Bonjour from Claude!');
  });

  it('carries a tool call of Gemini and of Claude, the streamed one assembled exactly like the whole one', async () => {
    for (const [model, args] of [
      ['vertex/gemini-2.5-flash@europe-west4', '{"city":"Paris"}'],
      ['vertex/claude-sonnet-4-5@europe-west1', '{"city": "Paris", "days": 3}'],
    ] as const) {
      const plain = await client.chat.completions.create({ model, messages: ask, tools });
      const streamed = await client.chat.completions.stream({ model, messages: ask, tools }).finalChatCompletion();
      expect(plain.choices[0]?.finish_reason, model).toBe('tool_calls');
      expect(plain.choices[0]?.message.tool_calls?.[0], model).toMatchObject({ type: 'function', function: { name: 'get_forecast', arguments: args } });
      expect(streamed.choices[0]?.message.tool_calls, model).toEqual(plain.choices[0]?.message.tool_calls);
    }
  });

  it('prices Vertex models from the catalog: the cost header of a call, and the model listed with its prices', async () => {
    const { response } = await client.chat.completions.create({ model: 'vertex/gemini-2.5-flash@europe-west4', messages: ask }).withResponse();
    // 11 prompt tokens (3 cached) and 5 output tokens at $0.30 / $0.03 cached / $2.50 per million, in whole micro-dollars up.
    expect(response.headers.get('x-switchboard-cost')).toBe(String(Math.ceil(8 * 0.3 + 3 * 0.03 + 5 * 2.5) / 1e6));
    const listed = (await fetch(`${gateway.url}/v1/models/vertex/claude-sonnet-4-5`, { headers: { authorization: `Bearer ${testKey}` } }).then((r) => r.json())) as {
      pricing: { input: number; output: number };
      regions: string[];
    };
    expect(listed.pricing).toMatchObject({ input: 3, output: 15 });
    expect(listed.regions).toContain('eu');
  });

  it('embeds through :predict, one text a call, with the token count Vertex reports', async () => {
    const callsBefore = upstream.modelRequests().length;
    const embeddings = await client.embeddings.create({ model: 'vertex/gemini-embedding-001@europe-west4', input: ['one two three', 'four five'], dimensions: 256 });
    expect(embeddings.data.map((item) => item.embedding)).toEqual([[13, 0.5, 256], [9, 0.5, 256]]);
    expect(embeddings.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    const calls = upstream.modelRequests().slice(callsBefore);
    expect(calls.map((call) => call.path)).toEqual(Array(2).fill('/v1/projects/switchboard-test/locations/europe-west4/publishers/google/models/gemini-embedding-001:predict'));
    expect(calls[0]?.body).toEqual({ instances: [{ content: 'one two three' }], parameters: { outputDimensionality: 256 } });
  });

  it('buys a new access token once when Vertex refuses the cached one with 401, and answers', async () => {
    const issuedBefore = upstream.issued.length;
    const callsBefore = upstream.modelRequests().length;
    upstream.revokeTokens();
    const plain = await client.chat.completions.create({ model: 'vertex/gemini-2.5-flash@europe-west4', messages: ask });
    expect(plain.choices[0]?.message.content).toBe('Hello from Gemini!');
    expect(upstream.issued.length).toBe(issuedBefore + 1);
    const calls = upstream.modelRequests().slice(callsBefore);
    expect(calls.map((call) => call.headers.authorization)).toEqual([`Bearer ${upstream.issued.at(-2)}`, `Bearer ${upstream.issued.at(-1)}`]);
  });

  it('relays a 429 with its Retry-After', async () => {
    const limited = await apiError(client.chat.completions.create({ model: 'vertex/rate-limited@europe-west4', messages: ask }));
    expect(limited.status).toBe(429);
    expect(limited.message).toContain('Quota exceeded');
    expect(limited.headers?.get('retry-after')).toBe('7');
  });

  it('refuses a region Vertex does not have, naming the model field', async () => {
    const bad = await apiError(client.chat.completions.create({ model: 'vertex/gemini-2.5-flash@mars', messages: ask }));
    expect(bad.status).toBe(400);
    expect(bad.param).toBe('model');
    expect(bad.message).toContain('"mars" is not a Vertex AI region');
  });
});

describe('vertex/claude-* through the anthropic client (/v1/messages)', () => {
  const anthropic = () => new Anthropic({ baseURL: gateway.url, apiKey: testKey, maxRetries: 0 });
  const model = 'vertex/claude-sonnet-4-5@20250929@europe-west1';

  it('passes the request through untranslated, streamed and not, less the model and with Vertex’s anthropic_version', async () => {
    const message = await anthropic().messages.create(
      { model, max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }], metadata: { user_id: 'u-1' } },
      { headers: { 'anthropic-beta': 'context-1m-2025-08-07' } },
    );
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour from Claude!' }]);
    const request = upstream.modelRequests().at(-1);
    expect(request?.path).toBe('/v1/projects/switchboard-test/locations/europe-west1/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict');
    expect(request?.body).toEqual({ max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }], metadata: { user_id: 'u-1' }, stream: true, anthropic_version: 'vertex-2023-10-16' });
    expect(request?.headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    const streamed = await anthropic().messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage();
    expect(streamed.content).toEqual(message.content);
  });

  it('counts tokens with Vertex’s count-tokens model, for the model asked about', async () => {
    const counted = await anthropic().messages.countTokens({ model, messages: [{ role: 'user', content: 'Hi' }] });
    const messages = [{ role: 'user', content: 'Hi' }];
    expect(counted.input_tokens).toBe(Math.ceil(JSON.stringify(messages).length / 4));
    const request = upstream.modelRequests().at(-1);
    expect(request?.path).toBe('/v1/projects/switchboard-test/locations/europe-west1/publishers/anthropic/models/count-tokens:rawPredict');
    expect(request?.body).toEqual({ model: 'claude-sonnet-4-5@20250929', messages, anthropic_version: 'vertex-2023-10-16' });
  });

  it('translates for a Gemini model on Vertex, which does not speak Anthropic’s protocol', async () => {
    const message = await anthropic().messages.create({ model: 'vertex/gemini-2.5-flash@europe-west4', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Gemini!' }]);
    expect(upstream.modelRequests().at(-1)?.path).toContain('/publishers/google/models/gemini-2.5-flash:streamGenerateContent');
  });
});

describe('vertex/* on an EU-only gateway', () => {
  it('serves a Vertex model in an EU region', async () => {
    const plain = await euClient.chat.completions.create({ model: 'vertex/claude-sonnet-4-5@europe-west1', messages: ask });
    expect(plain.choices[0]?.message.content).toBe('Bonjour from Claude!');
    expect(upstream.modelRequests().at(-1)?.path).toContain('/locations/europe-west1/');
  });

  it('refuses a region outside the EU (US, London, the global endpoint) with 403 before calling Vertex', async () => {
    const callsBefore = upstream.modelRequests().length;
    for (const model of ['vertex/gemini-2.5-flash@us-central1', 'vertex/gemini-2.5-flash@europe-west2', 'vertex/gemini-2.5-flash']) {
      const refused = await apiError(euClient.chat.completions.create({ model, messages: ask }));
      expect(refused.status, model).toBe(403);
      expect(refused.code, model).toBe('model_not_allowed');
    }
    expect(upstream.modelRequests().length).toBe(callsBefore);
  });
});
