import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockOpenAIUpstream();
const upstreamKey = 'sk-upstream-secret-0123456789';
let gateway: LocalGateway;
let client: OpenAI;

const logged: unknown[][] = [];

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args));
  }
  gateway = await startTestGateway({
    OPENAI_BASE_URL: await upstream.start(),
    OPENAI_API_KEY: upstreamKey,
    SWITCHBOARD_HEADERS_TIMEOUT_MS: '2000',
    SWITCHBOARD_IDLE_TIMEOUT_MS: '2000',
    SWITCHBOARD_MAX_BODY_BYTES: '4096',
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const hello = [{ role: 'user' as const, content: 'Hi' }];

async function post(body: string, headers: Record<string, string> = { authorization: `Bearer ${testKey}` }) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as { error: Record<string, unknown> } };
}

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe('errors in the OpenAI shape', () => {
  it('answers bad JSON with 400 invalid_json', async () => {
    const { status, json } = await post('{"model": ');
    expect(status).toBe(400);
    expect(json.error).toEqual({
      message: 'The request body is not valid JSON.',
      type: 'invalid_request_error',
      code: 'invalid_json',
      param: null,
    });
  });

  it('answers a schema violation with 400 naming the offending param', async () => {
    const { status, json } = await post(JSON.stringify({ model: 'mock/echo', messages: hello, temperature: 5 }));
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ code: 'invalid_request', param: 'temperature', type: 'invalid_request_error' });
    const nested = await post(JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: [{ type: 'video' }] }] }));
    expect(nested.json.error.param).toBe('messages[0].content[0].type');
  });

  it('answers a body over the limit with 413', async () => {
    const { status, json } = await post(JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'x'.repeat(5000) }] }));
    expect(status).toBe(413);
    expect(json.error.code).toBe('payload_too_large');
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    const missing = await fetch(`${gateway.url}/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const wrongMethod = await fetch(`${gateway.url}/v1/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('answers unknown providers and unknown mock models with 404 model_not_found', async () => {
    const provider = await apiError(client.chat.completions.create({ model: 'nope/gpt', messages: hello }));
    expect(provider.status).toBe(404);
    expect(provider.code).toBe('model_not_found');
    const bare = await apiError(client.chat.completions.create({ model: 'gpt-4o', messages: hello }));
    expect(bare.code).toBe('model_not_found');
    const mock = await apiError(client.chat.completions.create({ model: 'mock/unknown', messages: hello }));
    expect(mock.status).toBe(404);
  });

  it('relays upstream errors with their status, message and Retry-After', async () => {
    const limited = await apiError(client.chat.completions.create({ model: 'openai/error-429', messages: hello }));
    expect(limited.status).toBe(429);
    expect(limited.message).toContain('Upstream says 429.');
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.headers?.get('retry-after')).toBe('7');
    const failed = await apiError(client.chat.completions.create({ model: 'openai/error-500', messages: hello }));
    expect(failed.status).toBe(500);
    const streamFailed = await apiError(
      client.chat.completions.create({ model: 'openai/error-503', messages: hello, stream: true }),
    );
    expect(streamFailed.status).toBe(503);
  });

  it('never shows a key that an upstream error quotes', async () => {
    const error = await apiError(client.chat.completions.create({ model: 'openai/error-401', messages: hello }));
    expect(error.status).toBe(401);
    expect(error.message).not.toContain('sk-proj');
    expect(error.message).toContain('[redacted]');
  });

  it('answers an upstream that never responds with 504 after the first-byte timeout', async () => {
    const error = await apiError(client.chat.completions.create({ model: 'openai/hang', messages: hello }));
    expect(error.status).toBe(504);
    expect(error.code).toBe('upstream_timeout');
  });

  it('answers a reset connection with 502 and a malformed body with 502', async () => {
    const reset = await apiError(client.chat.completions.create({ model: 'openai/reset', messages: hello }));
    expect(reset.status).toBe(502);
    const malformed = await apiError(client.chat.completions.create({ model: 'openai/malformed', messages: hello }));
    expect(malformed.status).toBe(502);
  });

  it('ends a stream that fails after the first byte with an explicit error event', async () => {
    for (const model of ['openai/reset-midstream', 'openai/hang-midstream']) {
      const stream = await client.chat.completions.create({ model, messages: hello, stream: true });
      const received: unknown[] = [];
      const error = await apiError(
        (async () => {
          for await (const chunk of stream) received.push(chunk);
        })(),
      );
      // The role announcement and the first token.
      expect(received).toHaveLength(2);
      expect(error.message).toMatch(/connection failed|did not answer in time/);
    }
  });

  it('keeps serving after every kind of failure', async () => {
    const completion = await client.chat.completions.create({ model: 'mock/echo', messages: hello });
    expect(completion.choices[0]?.message.content).toBe('Hi');
  });

  it('wrote no key into any log line along the way', () => {
    const text = JSON.stringify(logged);
    expect(text).not.toContain(testKey);
    expect(text).not.toContain(upstreamKey);
    expect(text).not.toContain('sk-proj');
  });
});
