import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream, upstreamReply } from '../support/mock-openai-upstream.js';
import { startSpawnedGateway } from '../support/spawned-gateway.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

// A hung provider is given up after its response head is late (2 s here), a silent model after
// its first token is (4 s); a response starts after 1 s with keep-alives every 300 ms. Generous,
// so that on a busy machine a healthy mock still answers within them.
const upstream = new MockOpenAIUpstream() as MockOpenAIUpstream & { url: string };
let gateway: LocalGateway;
/** Waits as long as it takes for a provider: only the client can end a wait. */
let patient: LocalGateway;
let openai: OpenAI;
let manage: ReturnType<typeof manageClient>;
let policies = 0;

beforeAll(async () => {
  const upstreamUrl = await upstream.start();
  upstream.url = upstreamUrl;
  patient = await startTestGateway({
    OPENAI_BASE_URL: upstreamUrl,
    SWITCHBOARD_HEADERS_TIMEOUT_MS: '600000',
    SWITCHBOARD_FIRST_TOKEN_TIMEOUT_MS: '600000',
    SWITCHBOARD_RESPONSE_START_MS: '1000',
    SWITCHBOARD_KEEPALIVE_MS: '300',
  });
  gateway = await startTestGateway({
    OPENAI_BASE_URL: upstreamUrl,
    OPENAI_API_KEY: 'sk-upstream-slow-0123456789',
    SWITCHBOARD_HEADERS_TIMEOUT_MS: '2000',
    SWITCHBOARD_FIRST_TOKEN_TIMEOUT_MS: '4000',
    SWITCHBOARD_RESPONSE_START_MS: '1000',
    SWITCHBOARD_KEEPALIVE_MS: '300',
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
  manage = manageClient(gateway.url);
});

afterAll(async () => {
  await gateway?.stop();
  await patient?.stop();
  await upstream.stop();
});

const hello = [{ role: 'user' as const, content: 'Hi' }];

async function fallback(...models: Array<string | Record<string, unknown>>): Promise<string> {
  const name = `slow-${++policies}`;
  const created = await manage('POST', '/policy', { name, type: 'fallback', models: models.map((model) => (typeof model === 'string' ? { model } : model)) });
  expect(created.status).toBe(201);
  return `policy/${name}`;
}

function post(path: string, body: unknown, options: { to?: LocalGateway; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${(options.to ?? gateway).url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

describe('a slow or hung provider', () => {
  it('starts a stream with keep-alive comments while the first token is slow, then streams it', async () => {
    const response = await post('/v1/chat/completions', { model: 'openai/slow-first-2500', messages: hello, stream: true });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body.startsWith(': keep-alive\n\n')).toBe(true);
    expect(body.match(/: keep-alive/g)?.length).toBeGreaterThanOrEqual(2);
    expect(body).toContain('"content":"upstream!"');
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it.each([
    ['whose response head never comes', 'openai/hang'],
    ['that accepts the request but never sends a token', 'openai/no-token'],
  ])('fails over from a provider %s, after keep-alives have started, to the next model', async (_, primary) => {
    const policy = await fallback(primary, 'openai/gpt-4o-mini');
    const asked = upstream.requests.length;
    let text = '';
    for await (const chunk of await openai.chat.completions.create({ model: policy, messages: hello, stream: true })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(upstreamReply);
    expect(upstream.requests.slice(asked).map((request) => request.body.model)).toEqual([primary.slice('openai/'.length), 'gpt-4o-mini']);
  });

  it('gives a JSON answer that needed longer than the response start as whitespace, then the JSON, which SDKs parse', async () => {
    const policy = await fallback('openai/hang', 'openai/gpt-4o-mini');
    const raw = await post('/v1/chat/completions', { model: policy, messages: hello });
    const text = await raw.text();
    expect(raw.status).toBe(200);
    expect(text.startsWith('\n')).toBe(true);
    expect(JSON.parse(text).choices[0].message.content).toBe(upstreamReply);
    const completion = await openai.chat.completions.create({ model: policy, messages: hello });
    expect(completion.choices[0]?.message.content).toBe(upstreamReply);
  });

  it('reports a failure after the response has started in its body: the error object for JSON, an error event for streams', async () => {
    const json = await post('/v1/chat/completions', { model: 'openai/hang', messages: hello });
    expect(json.status).toBe(200);
    expect(JSON.parse(await json.text())).toMatchObject({ error: { code: 'upstream_timeout' } });

    const stream = await post('/v1/chat/completions', { model: 'openai/hang', messages: hello, stream: true });
    const events = await stream.text();
    expect(events.startsWith(': keep-alive\n\n')).toBe(true);
    expect(events).toMatch(/data: \{"error":\{"message":"[^"]+","type":"timeout_error","code":"upstream_timeout"/);
    expect(events).not.toContain('[DONE]');
  });

  it("honours a policy entry's own response-head limit over the gateway's", async () => {
    const name = 'impatient';
    await manageClient(patient.url)('POST', '/policy', {
      name,
      type: 'fallback',
      models: [{ model: 'openai/hang', headers_timeout_ms: 500 }, { model: 'openai/gpt-4o-mini' }],
    });
    const raw = await post('/v1/chat/completions', { model: `policy/${name}`, messages: hello }, { to: patient });
    expect(JSON.parse(await raw.text()).choices[0].message.content).toBe(upstreamReply);
  });

  it('does the same on /v1/messages: pings, then the answer, parsed by the Anthropic SDK', async () => {
    const policy = await fallback('openai/hang', 'openai/gpt-4o-mini');
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: testKey, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: policy, max_tokens: 100, messages: hello });
    expect(message.content[0]).toMatchObject({ type: 'text', text: upstreamReply });
    const raw = await post('/v1/messages', { model: 'openai/slow-first-2500', max_tokens: 100, messages: hello, stream: true });
    const events = await raw.text();
    expect(events.startsWith('event: ping\n')).toBe(true);
    expect(events).toContain('event: message_stop');
  });

  it.each([false, true])('cancels the provider when the client leaves before the answer started (stream: %s), and keeps serving', async (stream) => {
    const closed = upstream.nextEarlyClose();
    const controller = new AbortController();
    const asked = upstream.requests.length;
    const leaving = post('/v1/chat/completions', { model: 'openai/no-token', messages: hello, stream }, { to: patient, signal: controller.signal }).then(
      (response) => response.text(),
      () => undefined,
    );
    // Whether the response has started or not: only the client leaving ends this wait.
    await vi.waitFor(() => expect(upstream.requests.length).toBeGreaterThan(asked), { timeout: 10_000 });
    controller.abort();
    await leaving;
    await closed;
    const still = await openai.chat.completions.create({ model: 'mock/echo', messages: hello });
    expect(still.choices[0]?.message.content).toBe('Hi');
  });
});

describe('npm start with a hung provider', () => {
  it('fails over from it in a started response, streams and JSON alike, and keeps serving', async () => {
    const spawned = await startSpawnedGateway({
      dynamoDbEndpoint: inject('dynamoDbEndpoint'),
      env: { OPENAI_BASE_URL: upstream.url, SWITCHBOARD_HEADERS_TIMEOUT_MS: '2000', SWITCHBOARD_RESPONSE_START_MS: '1000', SWITCHBOARD_KEEPALIVE_MS: '300' },
    });
    try {
      const name = 'spawned-chain';
      expect((await manageClient(spawned.url, spawned.adminKey)('POST', '/policy', { name, type: 'fallback', models: [{ model: 'openai/hang' }, { model: 'openai/gpt-4o-mini' }] })).status).toBe(201);
      const ask = (stream: boolean) =>
        fetch(`${spawned.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${spawned.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: `policy/${name}`, messages: hello, stream }),
        }).then((response) => response.text());
      const json = await ask(false);
      expect(json.startsWith('\n')).toBe(true);
      expect(JSON.parse(json).choices[0].message.content).toBe(upstreamReply);
      const events = await ask(true);
      expect(events.startsWith(': keep-alive\n\n')).toBe(true);
      expect(events).toContain('"content":"upstream!"');
      expect(await spawned.serves()).toBe(true);
    } finally {
      await spawned.stop();
    }
  }, 60_000);
});
