import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { MockOpenAIUpstream, upstreamReply, upstreamUsage } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockOpenAIUpstream();
const upstreamKey = 'sk-upstream-secret-0123456789';
let gateway: LocalGateway;
let client: OpenAI;

beforeAll(async () => {
  const upstreamUrl = await upstream.start();
  gateway = await startTestGateway({
    OPENAI_BASE_URL: upstreamUrl,
    OPENAI_API_KEY: upstreamKey,
    SWITCHBOARD_HEADERS_TIMEOUT_MS: '2000',
    SWITCHBOARD_IDLE_TIMEOUT_MS: '2000',
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const hello = [{ role: 'user' as const, content: 'Hi' }];

describe('POST /v1/chat/completions through the openai client', () => {
  it('returns a non-streaming completion from an OpenAI-compatible upstream, extras included', async () => {
    const completion = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello });
    expect(completion.choices[0]?.message.content).toBe(upstreamReply);
    expect(completion.usage).toMatchObject(upstreamUsage);
    expect(completion.system_fingerprint).toBe('fp_upstream');
  });

  it('sends the upstream its own model name and key, every standard field, unknown fields, and no requesty block', async () => {
    const standardFields = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
          ],
        },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 50,
      max_completion_tokens: 60,
      stop: ['END'],
      n: 1,
      seed: 7,
      user: 'user-1',
      logprobs: true,
      top_logprobs: 2,
    } satisfies Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'model'>;
    const before = upstream.requests.length;
    await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      ...standardFields,
      // @ts-expect-error: a field the gateway does not know, and Requesty's extension
      some_new_parameter: { enabled: true },
      requesty: { tags: ['a'], user_id: 'u1', trace_id: 't1', auto_cache: true, extra: { team: 'x' } },
    });
    const sent = upstream.requests[before];
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
    // Asked as a stream, so that a provider that hangs is noticed at once; the client still gets one JSON answer.
    expect(sent?.body).toEqual({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      ...standardFields,
      some_new_parameter: { enabled: true },
    });
  });

  it('streams each chunk to the client before the upstream has finished its stream', async () => {
    const finishedBefore = upstream.streamsFinished;
    const stream = await client.chat.completions.create({ model: 'openai/gated-stream', messages: hello, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.choices[0]?.delta.role).toBe('assistant');
    expect(upstream.streamsFinished).toBe(finishedBefore);
    upstream.releaseGate();
    let text = '';
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      text += next.value.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(upstreamReply);
    expect(upstream.streamsFinished).toBe(finishedBefore + 1);
  });

  it('ends streams with [DONE] and leaves usage out unless include_usage is set', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: hello, stream: true }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const body = await response.text();
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(body).not.toContain('"usage"');
    expect(upstream.requests.at(-1)?.body.stream_options).toEqual({ include_usage: true });
  });

  it('honours stream_options.include_usage with a final usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject(upstreamUsage);
  });

  it('serves the built-in mock provider offline, streaming and not', async () => {
    const completion = await client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'echo this back' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo this back');
    const stream = await client.chat.completions.create({ model: 'mock/lorem-5', messages: hello, stream: true });
    const pieces: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
    expect(pieces).toHaveLength(5);
    expect(pieces.join('')).toBe('lorem ipsum dolor sit amet');
  });

  it('streams a tool call that the SDK’s stream helper assembles into the non-streamed one', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
    const plain = await client.chat.completions.create({ model: 'mock/echo', messages: hello, tools });
    const streamed = await client.chat.completions.stream({ model: 'mock/echo', messages: hello, tools }).finalChatCompletion();
    expect(streamed.choices[0]?.message.tool_calls).toEqual(plain.choices[0]?.message.tool_calls);
    expect(streamed.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('relays parallel tool calls that the SDK’s stream helper assembles into the non-streamed ones', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_forecast', parameters: { type: 'object' } } }];
    const plain = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, tools });
    const streamed = await client.chat.completions.stream({ model: 'openai/gpt-4o-mini', messages: hello, tools }).finalChatCompletion();
    expect(plain.choices[0]?.message.tool_calls).toHaveLength(2);
    expect(streamed.choices[0]?.message.tool_calls).toEqual(plain.choices[0]?.message.tool_calls);
    expect(streamed.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('reports the cost from the catalog’s prices, in a header and in usage, streamed or not', async () => {
    // gpt-4o-mini: 8 fresh input tokens at $0.15, 4 cached at $0.075, 5 output at $0.60 per million: 4.5 µ$ → 5 µ$
    const { data, response } = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello }).withResponse();
    expect(response.headers.get('x-switchboard-cost')).toBe('0.000005');
    expect((data.usage as { cost?: number } | undefined)?.cost).toBe(0.000005);
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    let cost: number | undefined;
    for await (const chunk of stream) cost = (chunk.usage as { cost?: number } | null | undefined)?.cost ?? cost;
    expect(cost).toBe(0.000005);
    const unpriced = await client.chat.completions.create({ model: 'openai/not-in-catalog', messages: hello }).withResponse();
    expect(unpriced.response.headers.get('x-switchboard-cost')).toBeNull();
  });

  it('says which model answered in a response header', async () => {
    const { response } = await client.chat.completions.create({ model: 'mock/echo', messages: hello }).withResponse();
    expect(response.headers.get('x-switchboard-model')).toBe('mock/echo');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('cancels the upstream request when the client goes away mid-stream', async () => {
    const controller = new AbortController();
    const closed = upstream.nextEarlyClose();
    const stream = await client.chat.completions.create(
      { model: 'openai/gated-stream', messages: hello, stream: true },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await closed;
    expect(upstream.closedEarly.length).toBeGreaterThan(0);
  });
});
