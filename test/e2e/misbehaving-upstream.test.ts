import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { MockBedrockUpstream } from '../support/mock-bedrock-upstream.js';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.js';
import { gzipBomb } from '../support/misbehaving-answers.js';
import { MockOpenAIUpstream, upstreamReply } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const openai = new MockOpenAIUpstream();
const anthropic = new MockAnthropicUpstream();
const gemini = new MockGeminiUpstream();
const bedrock = new MockBedrockUpstream();
let gateway: LocalGateway;
/** The same gateway with a 3 s request deadline, for answers only the deadline can end. */
let hurried: LocalGateway;
let client: OpenAI;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  // Built before any request, so that building it never delays the mock's other answers.
  gzipBomb();
  await bedrock.start();
  const upstreams = {
    OPENAI_BASE_URL: await openai.start(),
    OPENAI_API_KEY: 'sk-upstream-misbehaving-0123456789',
    ANTHROPIC_BASE_URL: await anthropic.start(),
    GEMINI_BASE_URL: await gemini.start(),
    AWS_REGION: 'us-east-1',
  };
  gateway = await startTestGateway(upstreams);
  hurried = await startTestGateway({
    ...upstreams,
    // Streams that never end, or drip a byte a second (never silent for the idle limit), are cut here.
    SWITCHBOARD_DEADLINE_MS: '3000',
    SWITCHBOARD_FIRST_BYTE_TIMEOUT_MS: '2000',
    SWITCHBOARD_IDLE_TIMEOUT_MS: '5000',
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
  manage = manageClient(gateway.url);
}, 60_000);

afterAll(async () => {
  await Promise.all([gateway?.stop(), hurried?.stop()]);
  await Promise.all([openai.stop(), anthropic.stop(), gemini.stop(), bedrock.stop()]);
});

const hello = [{ role: 'user' as const, content: 'Hi' }];

/** POSTs a chat request and reads the whole answer as text. */
async function chat(model: string, stream: boolean, to: LocalGateway = gateway) {
  const response = await fetch(`${to.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: hello, stream }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The `data:` payloads of an SSE body, in order. */
function dataOf(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

const errorShape = { message: expect.any(String), type: expect.any(String), code: expect.any(String), param: null };

describe('a misbehaving OpenAI-compatible upstream', () => {
  it.each([
    ['a truncated body', 'truncated', 502],
    ['an empty 200', 'empty-200', 502],
    ['binary garbage', 'garbage-stream', 502],
    ['a 65 MiB body', 'huge-line', 502],
    ['a gzip bomb', 'gzip-bomb', 502],
    ['a reset connection', 'reset', 502],
    ['a fractional token count', 'fractional-usage', 502],
    ['a negative cached count', 'negative-cached', 502],
  ])('answers %s with a clear error in OpenAI’s shape (not streaming)', { timeout: 30_000 }, async (_, model, status) => {
    const { status: actual, text } = await chat(`openai/${model}`, false);
    expect(actual).toBe(status);
    expect(JSON.parse(text)).toEqual({ error: errorShape });
  });

  it.each([
    ['never ends', 'endless'],
    ['drips a byte a second', 'drip'],
  ])('answers a body that %s with 504 once the request’s deadline has passed', { timeout: 30_000 }, async (_, model) => {
    const { status, text } = await chat(`openai/${model}`, false, hurried);
    expect(status).toBe(504);
    expect(JSON.parse(text)).toEqual({ error: { ...errorShape, code: 'upstream_timeout' } });
  });

  it.each([
    ['an empty 200', 'empty-200'],
    ['binary garbage', 'garbage-stream'],
    ['a single 10 MB line', 'huge-line'],
    ['a gzip bomb', 'gzip-bomb'],
    ['a reset', 'reset-after-head'],
  ])('answers a stream failing with %s before its first chunk with an HTTP error, not a stream', { timeout: 30_000 }, async (_, model) => {
    const { status, headers, text } = await chat(`openai/${model}`, true);
    expect(status).toBe(502);
    expect(headers.get('content-type')).toContain('application/json');
    expect(JSON.parse(text)).toEqual({ error: errorShape });
  });

  it.each([
    ['cut without data: [DONE]', 'truncated', /the stream ended early/],
    ['that never ends (cut at the deadline)', 'endless', /did not answer in time/],
    ['whose usage chunk has a fractional count', 'fractional-usage', /could not read/],
  ])('ends a stream %s with an explicit error event and no [DONE]', { timeout: 30_000 }, async (_, model, message) => {
    const { status, text } = await chat(`openai/${model}`, true, hurried);
    expect(status).toBe(200);
    const data = dataOf(text);
    expect(data.length).toBeGreaterThan(1);
    expect(data).not.toContain('[DONE]');
    const last = JSON.parse(data.at(-1) ?? '{}') as { error?: { message: string } };
    expect(last.error).toEqual(errorShape);
    expect(last.error?.message).toMatch(message);
  });

  it('raises the error event in the OpenAI SDK, after the chunks that came', async () => {
    const stream = await client.chat.completions.create({ model: 'openai/truncated', messages: hello, stream: true });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((thrown: unknown) => thrown);
    expect(received.join('')).toBe('Hello from ');
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });
});

describe('failover from a misbehaving upstream', () => {
  let policies = 0;
  async function fallback(...models: string[]): Promise<string> {
    const name = `misbehaving-${++policies}`;
    const created = await manage('POST', '/policy', { name, type: 'fallback', models: models.map((model) => ({ model })) });
    expect(created.status).toBe(201);
    return `policy/${name}`;
  }

  /** Asks a policy, streaming or not, for the answer, the model that gave it and the attempts made. */
  async function answer(policy: string, stream: boolean) {
    if (!stream) {
      const { data, response } = await client.chat.completions.create({ model: policy, messages: hello }).withResponse();
      return { text: data.choices[0]?.message.content, model: response.headers.get('x-switchboard-model'), attempts: response.headers.get('x-switchboard-attempts') };
    }
    const { data, response } = await client.chat.completions.create({ model: policy, messages: hello, stream: true }).withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    return { text, model: response.headers.get('x-switchboard-model'), attempts: response.headers.get('x-switchboard-attempts') };
  }

  // Streams fail over only before their first chunk: a truncated stream or a bad usage chunk comes after it.
  it.each([
    ...['truncated', 'empty-200', 'garbage-stream', 'huge-line', 'gzip-bomb', 'fractional-usage'].map((model) => [model, false] as const),
    ...['empty-200', 'garbage-stream', 'huge-line', 'gzip-bomb'].map((model) => [model, true] as const),
  ])('moves from %s to the next model (streaming: %s)', { timeout: 30_000 }, async (model, stream) => {
    const policy = await fallback(`openai/${model}`, 'openai/gpt-4o-mini');
    expect(await answer(policy, stream)).toEqual({ text: upstreamReply, model: 'openai/gpt-4o-mini', attempts: '2' });
  });

  it('counts these failures for the circuit breaker, which then skips the model', async () => {
    const policy = await fallback('openai/empty-200:breaker', 'openai/gpt-4o-mini');
    const attempts: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { response } = await client.chat.completions.create({ model: policy, messages: hello }).withResponse();
      attempts.push(response.headers.get('x-switchboard-attempts') ?? '');
    }
    expect(attempts).toEqual(['2', '2', '2', '2', '2', '1', '1']);
  });
});

describe('other providers’ streams that end without their end marker', () => {
  it.each([
    ['Anthropic (no message_stop)', 'anthropic/truncated'],
    ['Gemini (no finishReason)', 'google/truncated'],
    ['Bedrock (no messageStop and metadata)', 'bedrock/truncated'],
  ])('%s end with an error event, never [DONE]', { timeout: 30_000 }, async (_, model) => {
    const { status, text } = await chat(model, true);
    expect(status).toBe(200);
    const data = dataOf(text);
    expect(data).not.toContain('[DONE]');
    expect(JSON.parse(data.at(-1) ?? '{}')).toEqual({ error: { ...errorShape, message: expect.stringMatching(/the stream ended early/) } });
  });

  it('a Bedrock stream with a 10 MB event is refused before its first chunk', { timeout: 30_000 }, async () => {
    const { status, text } = await chat('bedrock/huge-frame', true);
    expect(status).toBe(502);
    expect(JSON.parse(text)).toEqual({ error: { ...errorShape, message: expect.stringMatching(/larger than the gateway reads/) } });
  });
});

describe('after all of it', () => {
  it('keeps serving', async () => {
    expect((await chat('openai/gpt-4o-mini', false, hurried)).status).toBe(200);
    const completion = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello });
    expect(completion.choices[0]?.message.content).toBe(upstreamReply);
    const echoed = await client.chat.completions.create({ model: 'mock/echo', messages: hello });
    expect(echoed.choices[0]?.message.content).toBe('Hi');
  });
});
