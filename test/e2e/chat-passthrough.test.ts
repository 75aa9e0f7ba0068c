import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { MockScriptedOpenAIUpstream } from '../support/mock-scripted-openai-upstream.js';
import { loggedRecord, recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

/**
 * What an OpenAI-compatible host streams, written the way no JSON.stringify would write it:
 * spaces, an escaped é, a number as 1.50, fields the gateway has never heard of, OpenAI's
 * `"usage":null` on every chunk, and the usage in a chunk of its own.
 */
const usage = { prompt_tokens: 31, completion_tokens: 9, total_tokens: 40, prompt_tokens_details: { cached_tokens: 0 } };
const upstreamData = [
  '{"id":"chatcmpl-pt","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","vendor_trace":{"region":"eu","score":1.50},"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}',
  '{"id": "chatcmpl-pt", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-4o-mini-2024-07-18", "choices": [{"index": 0, "delta": {"content": "caf\\u00e9 \\"au lait\\""}, "logprobs": null, "finish_reason": null}], "obfuscation": "k3Xw", "usage": null}',
  '{"id":"chatcmpl-pt","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":" ready"},"logprobs":null,"finish_reason":null,"choice_extra":[1,2]}],"usage":null}',
  '{"id":"chatcmpl-pt","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}',
  `{"id":"chatcmpl-pt","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":${JSON.stringify(usage)},"vendor_trace":{"region":"eu"}}`,
];

const upstream = new MockScriptedOpenAIUpstream({ data: upstreamData });
let gateway: LocalGateway;
let client: OpenAI;
let log: ReturnType<typeof recordRequestLog>;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), OPENAI_API_KEY: 'sk-upstream-passthrough-0123456789', SWITCHBOARD_KEEPALIVE_MS: '200' });
  log = recordRequestLog(gateway);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});
beforeEach(() => {
  upstream.requests.length = 0;
  upstream.script = { data: upstreamData };
});

const ask = [{ role: 'user' as const, content: 'Coffee?' }];

/** The `data:` payloads of an SSE body, in order. */
function dataLines(body: string): string[] {
  return body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));
}

async function rawChat(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('/v1/chat/completions to an OpenAI-compatible host, passed through', () => {
  it('relays each data payload byte for byte, only the usage chunk gaining the cost, and counts the usage', async () => {
    const response = await rawChat({ model: 'openai/gpt-4o-mini', messages: ask, stream: true, stream_options: { include_usage: true } });
    expect(response.status).toBe(200);
    const lines = dataLines(await response.text());
    expect(lines.slice(0, 4)).toEqual(upstreamData.slice(0, 4));
    expect(lines[5]).toBe('[DONE]');
    expect(lines).toHaveLength(6);
    const usageChunk = JSON.parse(lines[4] as string) as Record<string, unknown>;
    const upstreamUsageChunk = JSON.parse(upstreamData[4] as string) as Record<string, unknown>;
    expect(Object.keys(usageChunk)).toEqual(Object.keys(upstreamUsageChunk));
    expect(usageChunk).toEqual({ ...upstreamUsageChunk, usage: { ...usage, cost: expect.any(Number), cache_savings: 0 } });
    expect((usageChunk.usage as { cost: number }).cost).toBeGreaterThan(0);

    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ response_id: 'chatcmpl-pt', input_tokens: 31, output_tokens: 9, usage_estimated: false, finish_reason: 'stop' });
    expect(record.cost_micros).toBeGreaterThan(0);
  });

  it('drops the usage chunk and the usage:null OpenAI adds for a client that did not ask for usage, the rest unchanged', async () => {
    const response = await rawChat({ model: 'openai/gpt-4o-mini', messages: ask, stream: true });
    const lines = dataLines(await response.text());
    expect(lines).toEqual([...upstreamData.slice(0, 4).map((data) => data.replace(/,"usage":null}$/, '}')), '[DONE]']);
    // Where the host wrote it its own way, it stays, as harmless as in OpenAI's streams with usage.
    expect(lines[1]).toContain('"usage": null');
    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ input_tokens: 31, output_tokens: 9, usage_estimated: false });
  });

  it('gives the official SDK the unknown fields and contents the host sent, streamed and whole', async () => {
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: ask, stream: true, stream_options: { include_usage: true } });
    const chunks: Array<Record<string, unknown>> = [];
    for await (const chunk of stream) chunks.push(chunk as unknown as Record<string, unknown>);
    expect(chunks[0]?.vendor_trace).toEqual({ region: 'eu', score: 1.5 });
    expect(chunks[1]?.obfuscation).toBe('k3Xw');
    const text = chunks.map((chunk) => (chunk as unknown as OpenAI.ChatCompletionChunk).choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('café "au lait" ready');
    expect(chunks.at(-1)?.usage).toMatchObject({ ...usage, cost: expect.any(Number) });

    const completion = (await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: ask })) as OpenAI.ChatCompletion & Record<string, unknown>;
    expect(completion.choices[0]?.message.content).toBe('café "au lait" ready');
    expect(completion.vendor_trace).toEqual({ region: 'eu', score: 1.5 });
    expect(completion.obfuscation).toBe('k3Xw');
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'stop', choice_extra: [1, 2] });
    expect(completion.usage).toMatchObject({ ...usage, cost: expect.any(Number) });
  });

  it("sends the host the client's JSON as it came: unknown fields, field order, without the gateway's own, with the host's model, a stream and usage", async () => {
    const body = {
      temperature: 0.7,
      model: 'openai/gpt-4o-mini',
      vendor_knob: { depth: 3, mode: 'fast' },
      messages: ask,
      requesty: { tags: ['passthrough'] },
      stream_options: { include_obfuscation: false },
    };
    await client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const { requesty: _requesty, ...expected } = body;
    expect(upstream.requests[0]?.raw).toBe(
      JSON.stringify({ ...expected, model: 'gpt-4o-mini', stream: true, stream_options: { include_obfuscation: false, include_usage: true } }),
    );
  });

  it('keeps the 400s of validation before anything reaches the host', async () => {
    const response = await rawChat({ model: 'openai/gpt-4o-mini', messages: ask, temperature: 7, stream: true });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('temperature');
    expect(upstream.requests).toHaveLength(0);
  });

  it('ends a stream the host cut without [DONE] with an error event, and charges the delivered estimate', async () => {
    upstream.script = { data: upstreamData.slice(0, 3), cut: true };
    const response = await rawChat({ model: 'openai/gpt-4o-mini', messages: ask, stream: true });
    const lines = dataLines(await response.text());
    expect(lines.slice(0, 3)).toEqual(upstreamData.slice(0, 3).map((data) => data.replace(/,"usage":null}$/, '}')));
    expect(lines).not.toContain('[DONE]');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ error: { type: expect.any(String) } });
    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record.usage_estimated).toBe(true);
    // 'café "au lait" ready' is 20 characters: an estimate that errs low counts no more than that.
    expect(record.output_tokens).toBeGreaterThan(0);
    expect(record.output_tokens).toBeLessThanOrEqual(20);
  });

  it('fills a silence between chunks with keep-alive comments, the chunks still as they came', async () => {
    upstream.script = { data: upstreamData, pauseBeforeMs: { 2: 900 } };
    const response = await rawChat({ model: 'openai/gpt-4o-mini', messages: ask, stream: true, stream_options: { include_usage: true } });
    const body = await response.text();
    const between = body.slice(body.indexOf(upstreamData[1] as string), body.indexOf(upstreamData[2] as string));
    expect(between.match(/^: keep-alive$/gm)?.length).toBeGreaterThanOrEqual(1);
    expect(dataLines(body).slice(0, 4)).toEqual(upstreamData.slice(0, 4));
  });

  it("tells a host's error before the first token as a failed attempt, and one after it as the gateway's error event, the key redacted", async () => {
    const failure = '{"error":{"message":"Key sk-upstream-passthrough-0123456789 is over quota","type":"server_error","code":null}}';
    upstream.script = { data: [failure] };
    const early = await rawChat({ model: 'openai/gpt-4o-mini', messages: ask, stream: true });
    expect(early.status).toBe(502);
    expect(await early.text()).not.toContain('sk-upstream-passthrough');

    upstream.script = { data: [...upstreamData.slice(0, 2), failure] };
    const late = await rawChat({ model: 'openai/gpt-4o-mini', messages: ask, stream: true });
    const lines = dataLines(await late.text());
    expect(lines).toHaveLength(3);
    expect(lines).not.toContain('[DONE]');
    expect(lines[2]).not.toContain('sk-upstream-passthrough');
    expect(JSON.parse(lines[2] as string)).toMatchObject({ error: { message: expect.stringContaining('[redacted]') } });
  });
});
