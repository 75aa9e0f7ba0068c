import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockScriptedOpenAIUpstream } from '../support/mock-scripted-openai-upstream.js';
import { loggedRecord, recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

/**
 * SWITCHBOARD_UPSTREAM_JSON: a JSON request to an OpenAI-compatible host is sent as one (no
 * stream) and the host's answer is passed on with its own fields, only the usage gaining the
 * cost. An answer may take the headers limit and the first-token limit together (0.5 s + 2 s
 * here: generous, so that a healthy mock on a busy machine is always within them).
 */
const usage = { prompt_tokens: 21, completion_tokens: 6, total_tokens: 27, prompt_tokens_details: { cached_tokens: 0 }, vendor_units: 3 };
const hostAnswer = {
  id: 'chatcmpl-json',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini-2024-07-18',
  vendor_trace: { region: 'eu', score: 1.5 },
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'café "au lait"', refusal: null, annotations: [{ type: 'url_citation', url: 'https://example.com' }] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage,
  service_tier: 'default',
  system_fingerprint: 'fp_json',
};
const streamed = [
  '{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"streamed"},"finish_reason":null}]}',
  '{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
  '{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}',
];

const upstream = new MockScriptedOpenAIUpstream({ data: streamed });
let gateway: LocalGateway;
let client: OpenAI;
let log: ReturnType<typeof recordRequestLog>;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  const url = await upstream.start();
  gateway = await startTestGateway({
    OPENAI_BASE_URL: url,
    OPENAI_API_KEY: 'sk-upstream-json-0123456789',
    MISTRAL_BASE_URL: url,
    MISTRAL_API_KEY: 'mistral-upstream-json-0123456789',
    SWITCHBOARD_UPSTREAM_JSON: 'true',
    SWITCHBOARD_HEADERS_TIMEOUT_MS: '500',
    SWITCHBOARD_FIRST_TOKEN_TIMEOUT_MS: '2000',
  });
  log = recordRequestLog(gateway);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
  manage = manageClient(gateway.url);
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});
beforeEach(() => {
  upstream.requests.length = 0;
  upstream.script = { data: streamed, json: JSON.stringify(hostAnswer) };
});

const ask = [{ role: 'user' as const, content: 'Coffee?' }];

describe('JSON answers asked of OpenAI-compatible hosts as JSON (SWITCHBOARD_UPSTREAM_JSON)', () => {
  it("sends the client's JSON without a stream and gives the SDK the host's answer, its unknown fields unchanged, usage counted", async () => {
    const body = { temperature: 0.2, model: 'openai/gpt-4o-mini', vendor_knob: { depth: 3 }, messages: ask, requesty: { tags: ['json'] }, stream_options: { include_usage: true } };
    const { data: completion, response } = await client.chat.completions
      .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    const { requesty: _requesty, stream_options: _options, ...sent } = body;
    expect(upstream.requests[0]?.raw).toBe(JSON.stringify({ ...sent, model: 'gpt-4o-mini', stream: false }));
    expect(upstream.requests[0]?.headers.accept).toBe('application/json');

    const answer = completion as unknown as Record<string, unknown>;
    const { usage: _usage, ...unchanged } = hostAnswer;
    expect(answer).toMatchObject(unchanged);
    expect(answer.choices).toEqual(hostAnswer.choices);
    expect(answer.usage).toEqual({ ...usage, cost: expect.any(Number), cache_savings: 0 });
    expect((answer.usage as { cost: number }).cost).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-switchboard-cost'))).toBeCloseTo((answer.usage as { cost: number }).cost, 6);

    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ response_id: 'chatcmpl-json', input_tokens: 21, output_tokens: 6, usage_estimated: false, finish_reason: 'stop' });
    expect(record.cost_micros).toBeGreaterThan(0);
  });

  it('still streams a stream', async () => {
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: ask, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('streamed');
    expect(upstream.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('waits past the headers limit for an answer that comes within the first-token limit', async () => {
    upstream.script = { data: streamed, json: JSON.stringify(hostAnswer), jsonDelayMs: 900 };
    const completion = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: ask });
    expect(completion.choices[0]?.message.content).toBe('café "au lait"');
  });

  it('gives up a host whose answer never comes at the limits together and fails over to the next model', async () => {
    const created = await manage('POST', '/policy', { name: 'json-fallback', type: 'fallback', models: [{ model: 'openai/hang' }, { model: 'openai/gpt-4o-mini' }] });
    expect(created.status).toBe(201);
    const { data: completion, response } = await client.chat.completions.create({ model: 'policy/json-fallback', messages: ask }).withResponse();
    expect(completion.choices[0]?.message.content).toBe('café "au lait"');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(upstream.requests.map((request) => request.body.model)).toEqual(['hang', 'gpt-4o-mini']);
  });

  it('answers a failure the host reported in a 200 body, or a body that is not a completion, as an error in OpenAI shape', async () => {
    upstream.script = { data: streamed, json: '{"error":{"message":"overloaded","type":"server_error","code":503}}' };
    const failed = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: ask }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(503);

    upstream.script = { data: streamed, json: '{"id":"x","choices":"none"}' };
    const malformed = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: ask }).catch((error: unknown) => error);
    expect((malformed as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });

  it("passes on Mistral's answer, whose message says `tool_calls: null` when it calls no tool", async () => {
    // As api.mistral.ai answers a JSON request: `tool_calls` is always there, null without a call.
    const mistralAnswer = {
      id: 'a619f3b7b8f547e091ac410e62d4371d',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'mistral-small-latest',
      choices: [{ index: 0, message: { role: 'assistant', tool_calls: null, content: 'Bonjour' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 8, total_tokens: 11, completion_tokens: 3 },
    };
    upstream.script = { data: streamed, json: JSON.stringify(mistralAnswer) };
    const { data: completion, response } = await client.chat.completions.create({ model: 'mistral/mistral-small-latest', messages: ask }).withResponse();
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer mistral-upstream-json-0123456789');
    expect(completion.choices).toEqual(mistralAnswer.choices);
    expect(completion.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 3 });
    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ response_id: mistralAnswer.id, output_tokens: 3, usage_estimated: false, finish_reason: 'stop', tool_calls: [] });
  });

  it('cancels the provider call of a client that leaves while its JSON answer is awaited, and charges nothing', async () => {
    // Ten minutes to answer: only the client leaving can end this call within the test's time.
    const created = await manage('POST', '/policy', { name: 'json-patient', type: 'fallback', models: [{ model: 'openai/hang', first_token_timeout_ms: 600_000 }] });
    expect(created.status).toBe(201);
    const closed = upstream.nextEarlyClose();
    const leaving = new AbortController();
    const asked = client.chat.completions.create({ model: 'policy/json-patient', messages: ask, requesty: { tags: ['left-json'] } } as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: leaving.signal });
    await vi.waitFor(() => expect(upstream.requests).toHaveLength(1), { timeout: 10_000 });
    leaving.abort();
    await expect(asked).rejects.toThrow();
    await closed;
    await vi.waitFor(() => expect(log.records.find((record) => record.tags.includes('left-json'))).toBeDefined(), { timeout: 10_000 });
    expect(log.records.find((record) => record.tags.includes('left-json'))).toMatchObject({ status: 499, cost_micros: 0 });
  });

  it('charges an estimate for an answer without usage, and logs its tool calls and finish', async () => {
    const toolCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
    const noUsage = { ...hostAnswer, choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [toolCall] }, finish_reason: 'tool_calls' }], usage: null };
    upstream.script = { data: streamed, json: JSON.stringify(noUsage) };
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: ask, tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] })
      .withResponse();
    expect(completion.choices[0]?.message.tool_calls).toEqual([toolCall]);
    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ response_id: 'chatcmpl-json', usage_estimated: true, finish_reason: 'tool_calls', tool_calls: ['get_weather'] });
    expect(record.cost_micros).toBeGreaterThan(0);
  });

  it("reads Mistral's tool calls, which come without `type`, and gives them the SDK with it, as a streamed answer would", async () => {
    // api.mistral.ai omits the tool call's `type` (and adds an `index`), in JSON answers as in streams.
    const mistralCall = { id: 'D681PevKs', function: { name: 'get_weather', arguments: '{"city": "Paris"}' }, index: 0 };
    const mistralAnswer = {
      id: '5b8a3e2d1f4c4f7e9a0b1c2d3e4f5a6b',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'mistral-small-latest',
      choices: [{ index: 0, message: { role: 'assistant', tool_calls: [mistralCall], content: '' }, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 60, total_tokens: 78, completion_tokens: 18 },
    };
    upstream.script = { data: streamed, json: JSON.stringify(mistralAnswer) };
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'mistral/mistral-small-latest', messages: ask, tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] })
      .withResponse();
    expect(completion.choices[0]?.message.tool_calls).toEqual([{ ...mistralCall, type: 'function' }]);
    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ finish_reason: 'tool_calls', tool_calls: ['get_weather'], output_tokens: 18, usage_estimated: false });
  });
});
