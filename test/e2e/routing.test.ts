import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, newApiKeyRecord } from '../../lambdas/core/auth/api-key.js';
import { DynamoDbKeyStore } from '../../lambdas/adapters/dynamodb/dynamodb-key-store.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { eventuallyPasses } from '../support/eventually.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream, upstreamReply } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';

const upstream = new MockOpenAIUpstream();
const keysTable = `keys-routing-${Date.now()}`;
let gateway: LocalGateway;
let client: OpenAI;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({
    KEYS_TABLE: keysTable,
    OPENAI_BASE_URL: await upstream.start(),
    OPENAI_API_KEY: 'sk-upstream-routing-0123456789',
    SWITCHBOARD_HEADERS_TIMEOUT_MS: '2000',
    SWITCHBOARD_IDLE_TIMEOUT_MS: '2000',
    SWITCHBOARD_POLICY_CACHE_TTL_MS: '200',
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
  manage = manageClient(gateway.url);
});

afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const hello = [{ role: 'user' as const, content: 'Hi' }];
let policyCount = 0;

/** Creates a fallback policy over the given models and returns its `policy/<name>` id. */
async function fallback(...models: Array<string | { model: string; retries: number }>): Promise<string> {
  const name = `chain-${++policyCount}`;
  const entries = models.map((entry) => (typeof entry === 'string' ? { model: entry } : entry));
  const created = await manage('POST', '/policy', { name, type: 'fallback', models: entries });
  expect(created.status).toBe(201);
  return `policy/${name}`;
}

async function complete(model: string) {
  const { data, response } = await client.chat.completions.create({ model, messages: hello }).withResponse();
  return {
    content: data.choices[0]?.message.content,
    model: response.headers.get('x-switchboard-model'),
    attempts: Number(response.headers.get('x-switchboard-attempts')),
    policy: response.headers.get('x-switchboard-policy'),
  };
}

describe('fallback through the openai client', () => {
  it.each([
    ['a 500', 'openai/error-500'],
    ['a 503', 'openai/error-503'],
    ['a 429 asking for a long wait', 'openai/error-429'],
    ['a reset connection', 'openai/reset'],
    ['a hung upstream (response-head timeout)', 'openai/hang'],
    ['a malformed body', 'openai/malformed'],
    ['a bad request', 'openai/error-400'],
    ['a failing built-in model', 'mock/fail-502'],
  ])('moves on from %s to the next model and says so in headers', async (_, primary) => {
    const policy = await fallback(primary, 'openai/gpt-4o-mini');
    expect(await complete(policy)).toEqual({
      content: upstreamReply,
      model: 'openai/gpt-4o-mini',
      attempts: 2,
      policy: policy.slice('policy/'.length),
    });
  });

  it('retries a model that recovers, honouring a short Retry-After', async () => {
    const flaky = await fallback({ model: 'openai/limited-2-20-a', retries: 2 }, 'mock/echo');
    expect(await complete(flaky)).toMatchObject({ model: 'openai/limited-2-20-a', attempts: 3, content: upstreamReply });
  });

  it('retries a 429 without Retry-After after the backoff', async () => {
    const started = Date.now();
    const limited = await fallback({ model: 'openai/limited-1-none-c', retries: 1 }, 'mock/echo');
    expect(await complete(limited)).toMatchObject({ model: 'openai/limited-1-none-c', attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('retries with backoff on 503 before moving on', async () => {
    const started = Date.now();
    const flaky = await fallback({ model: 'openai/flaky-1-b', retries: 1 }, 'mock/echo');
    expect(await complete(flaky)).toMatchObject({ model: 'openai/flaky-1-b', attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('relays the last error, with the attempt count, when every model fails', async () => {
    const doomed = await fallback('openai/error-500', 'openai/error-503');
    const error = await client.chat.completions.create({ model: doomed, messages: hello }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.headers?.get('x-switchboard-attempts')).toBe('2');
    expect(apiError.headers?.get('x-switchboard-policy')).toBe(doomed.slice('policy/'.length));
  });

  it('skips a model that keeps failing (circuit breaker) until its cooldown is over', async () => {
    const policy = await fallback('openai/flaky-100-breaker', 'openai/gpt-4o-mini');
    const attempts: number[] = [];
    for (let i = 0; i < 7; i++) attempts.push((await complete(policy)).attempts);
    expect(attempts).toEqual([2, 2, 2, 2, 2, 1, 1]);
  });

  it('answers an unknown policy with 404 model_not_found', async () => {
    const error = (await client.chat.completions.create({ model: 'policy/nope', messages: hello }).catch((thrown: unknown) => thrown)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(error.status).toBe(404);
    expect(error.code).toBe('model_not_found');
  });
});

describe('streams', () => {
  it('fail over when the upstream dies before the first chunk', async () => {
    const policy = await fallback('openai/reset-after-head', 'openai/gpt-4o-mini');
    const { data: stream, response } = await client.chat.completions.create({ model: policy, messages: hello, stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(upstreamReply);
    expect(response.headers.get('x-switchboard-model')).toBe('openai/gpt-4o-mini');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
  });

  it('end with an explicit error event, never failing over, once a chunk has been sent', async () => {
    const policy = await fallback('openai/reset-midstream', 'openai/gpt-4o-mini');
    const { data: stream, response } = await client.chat.completions.create({ model: policy, messages: hello, stream: true }).withResponse();
    expect(response.headers.get('x-switchboard-model')).toBe('openai/reset-midstream');
    const received: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().catch((thrown: unknown) => thrown);
    // The role announcement and the first token.
    expect(received).toHaveLength(2);
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });
});

describe('load balancing and scope', () => {
  it('keeps one trace id on one model', async () => {
    const name = 'spread';
    await manage('POST', '/policy', {
      name,
      type: 'load_balancing',
      models: [
        { model: 'openai/model-a', weight: 50 },
        { model: 'openai/model-b', weight: 50 },
      ],
    });
    const modelFor = async (traceId: string) => {
      const { response } = await client.chat.completions
        .create({ model: `policy/${name}`, messages: hello, requesty: { trace_id: traceId } } as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .withResponse();
      return response.headers.get('x-switchboard-model');
    };
    const first = await modelFor('conversation-1');
    for (let i = 0; i < 5; i++) expect(await modelFor('conversation-1')).toBe(first);
    const seen = new Set(await Promise.all(Array.from({ length: 30 }, (_, i) => modelFor(`conversation-${i}`))));
    expect(seen).toEqual(new Set(['openai/model-a', 'openai/model-b']));
  });

  it('prefers a policy scoped to the calling key over the organisation’s, and sees edits within the cache time', async () => {
    const store = new DynamoDbKeyStore(
      testDynamoDbClient(),
      keysTable,
    );
    const ownKey = generateApiKey();
    const record = newApiKeyRecord(ownKey, 'scoped', Date.now());
    await store.putIfAbsent(record);
    await manage('POST', '/policy', { name: 'team', type: 'fallback', models: [{ model: 'openai/org-model' }] });
    await manage('POST', '/policy', { name: 'team', type: 'fallback', models: [{ model: 'openai/key-model' }], api_key_id: record.id });

    const own = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: ownKey, maxRetries: 0 });
    const answeredBy = async (caller: OpenAI) =>
      (await caller.chat.completions.create({ model: 'policy/team', messages: hello }).withResponse()).response.headers.get('x-switchboard-model');
    expect(await answeredBy(own)).toBe('openai/key-model');
    expect(await answeredBy(client)).toBe('openai/org-model');

    await manage('PUT', '/policy/team', { name: 'team', type: 'fallback', models: [{ model: 'openai/org-model-2' }] });
    await eventuallyPasses(async () => expect(await answeredBy(client)).toBe('openai/org-model-2'), 'the changed policy to route');
  });
});
