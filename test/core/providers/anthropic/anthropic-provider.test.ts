import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anthropicProvider } from '../../../../lambdas/core/providers/anthropic/anthropic-provider.js';
import type { ProviderCall } from '../../../../lambdas/core/providers/provider.js';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../../../lambdas/core/schemas/openai-chat-request.js';
import type { HttpClient } from '../../../../lambdas/ports/http-client.js';
import { collect, collectUntilError } from '../../../support/collect.js';
import { providerCall } from '../../../support/provider-call.js';
import { cut, recordingHttp } from '../../../support/recording-http.js';
import { assembled } from '../assembled.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/providers/anthropic/${name}`, import.meta.url), 'utf8');
const provider = anthropicProvider();
const request = (fields: Record<string, unknown>): ChatCompletionRequest =>
  chatCompletionRequestSchema.parse({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], ...fields });

const callWith = (http: HttpClient): ProviderCall =>
  providerCall({ model: 'claude-sonnet-4-5', credentials: { apiKey: 'sk-ant-test-123456', baseUrl: 'http://anthropic.test' }, http });

/** SSE events as Anthropic sends them, each named by its `type`. */
const sse = (...events: Array<Record<string, unknown>>) => events.map((event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`).join('');

async function sentBody(fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { http, sent } = recordingHttp({ status: 200, chunks: [fixture('thinking-tool-use.sse.txt')] });
  await provider.stream(request(fields), callWith(http));
  return JSON.parse(sent[0]?.body ?? '{}') as Record<string, unknown>;
}

describe('anthropic provider: requests', () => {
  it('asks /v1/messages for a stream with x-api-key and anthropic-version, and a default max_tokens', async () => {
    const { http, sent } = recordingHttp({ status: 200, chunks: [fixture('thinking-tool-use.sse.txt')] });
    await provider.stream(request({}), callWith(http));
    expect(sent[0]?.url).toBe('http://anthropic.test/v1/messages');
    expect(sent[0]?.headers).toMatchObject({ 'x-api-key': 'sk-ant-test-123456', 'anthropic-version': '2023-06-01', accept: 'text/event-stream' });
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
  });

  it('moves system prompts to `system`, images and PDFs to native blocks, and tool turns to tool_use/tool_result', async () => {
    const body = await sentBody({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Use metric units.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            { type: 'input_file', filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'user', content: 'Thanks!' },
      ],
    });
    expect(body.system).toBe('Be brief.\n\nUse metric units.');
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather here?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'report.pdf' },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '18°C' }, { type: 'text', text: 'Thanks!' }] },
    ]);
  });

  it('maps tools, tool_choice, parallel_tool_calls, stop, user and reasoning_effort', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];
    const body = await sentBody({
      tools,
      tool_choice: 'required',
      parallel_tool_calls: false,
      stop: 'END',
      user: 'user-7',
      max_completion_tokens: 10_000,
      reasoning_effort: 'medium',
    });
    expect(body).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: tools[0]?.function.parameters }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
      max_tokens: 10_000,
      thinking: { type: 'enabled', budget_tokens: 8192 },
    });
    expect((await sentBody({ tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } })).tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect((await sentBody({ tools, tool_choice: 'none' })).tool_choice).toEqual({ type: 'none' });
  });

  it('asks for json_schema output as a forced tool call', async () => {
    const body = await sentBody({
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { city: { type: 'string' } } } } },
    });
    expect(body.tools).toEqual([{ name: 'answer', description: 'Return the answer.', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'answer' });
  });

  it('refuses what Anthropic cannot do with a clear 400 before calling it', async () => {
    for (const [fields, param] of [
      [{ n: 2 }, 'n'],
      [{ logprobs: true }, 'logprobs'],
      [{ temperature: 1.5 }, 'temperature'],
      [{ reasoning_effort: 'high', max_tokens: 500 }, 'max_tokens'],
      [{ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] }, 'messages'],
    ] as const) {
      const { http, sent } = recordingHttp({ status: 200, chunks: [] });
      const error = await provider.stream(request(fields), callWith(http)).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ status: 400, code: 'unsupported_parameter', param });
      expect(sent).toHaveLength(0);
    }
  });
});

describe('anthropic provider: responses', () => {
  it('turns streamed thinking, text and tool_use into an OpenAI completion with cache-aware usage', async () => {
    const { http } = recordingHttp({ status: 200, chunks: cut(fixture('thinking-tool-use.sse.txt'), 64) });
    const completion = await assembled(await provider.stream(request({}), callWith(http)));
    expect(completion).toMatchObject({ id: 'msg_01Aq9w938a90dw8q', model: 'claude-sonnet-4-5-20250929' });
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]).toEqual({
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: "I'll check the weather in Paris.",
        reasoning_content: 'The user wants the weather; I should call the tool.',
        tool_calls: [
          { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' } },
        ],
      },
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 472 + 2048 + 100,
      completion_tokens: 89,
      total_tokens: 472 + 2048 + 100 + 89,
      prompt_tokens_details: { cached_tokens: 2048, cache_creation_tokens: 100 },
    });
  });

  it('streams text deltas and tool-call argument deltas with index, id and name, then finish and usage', async () => {
    const { http } = recordingHttp({ status: 200, chunks: cut(fixture('tool-use.sse.txt'), 50) });
    const chunks = await collect(await provider.stream(request({ stream: true }), callWith(http)));
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta);
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    expect(deltas.map((delta) => delta?.content ?? '').join('')).toBe("Okay, let's check the weather.");
    const calls = deltas.flatMap((delta) => delta?.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(JSON.parse(calls.map((call) => call.function?.arguments ?? '').join(''))).toEqual({ location: 'San Francisco, CA' });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 472 + 2048, completion_tokens: 89, prompt_tokens_details: { cached_tokens: 2048 } });
  });

  it('answers json_schema output with the forced tool call’s input as content, finishing with stop', async () => {
    const events = sse(
      { type: 'message_start', message: { id: 'msg_1', type: 'message', model: 'claude-sonnet-4-5', usage: { input_tokens: 10, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'answer', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    );
    const { http } = recordingHttp({ status: 200, chunks: [events] });
    const format = { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } };
    const completion = await assembled(await provider.stream(request({ response_format: format }), callWith(http)));
    expect(completion.choices[0]).toEqual({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '{"city":"Paris"}' } });
  });

  it('classifies 529 overloaded as retryable and an error event mid-stream as a ProviderError', async () => {
    const { http } = recordingHttp({ status: 529, headers: { 'retry-after': '3' }, chunks: [fixture('overloaded.json')] });
    const error = await provider.stream(request({}), callWith(http)).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ kind: 'overloaded', retryable: true, status: 529, retryAfterMs: 3000, type: 'overloaded_error' });

    const midstream = recordingHttp({ status: 200, chunks: [fixture('midstream-error.sse.txt')] });
    const received: unknown[] = [];
    const streamError = await (async () => {
      for await (const chunk of await provider.stream(request({ stream: true }), callWith(midstream.http))) received.push(chunk);
    })().catch((thrown: unknown) => thrown);
    expect(received).toHaveLength(2);
    expect(streamError).toMatchObject({ status: 529, kind: 'overloaded', message: 'anthropic: Overloaded' });
  });
});

describe('anthropic provider against a misbehaving upstream', () => {
  const streamed = async (chunks: string[]) =>
    collectUntilError(await provider.stream(request({ stream: true }), callWith(recordingHttp({ status: 200, chunks }).http)));
  const toolUse = fixture('tool-use.sse.txt');

  it('reports a stream cut before message_stop, or an empty one, as ended early', async () => {
    const truncated = await streamed(cut(toolUse.slice(0, toolUse.indexOf('event: message_delta')), 64));
    expect(truncated.received.length).toBeGreaterThan(1);
    expect(truncated.error).toMatchObject({ kind: 'connection', status: 502, retryable: true, message: 'anthropic: the stream ended early.' });
    const empty = await streamed([]);
    expect(empty.received).toEqual([]);
    expect(empty.error).toMatchObject({ status: 502, message: 'anthropic: the stream ended early.' });
  });

  it('refuses a known event with an invalid token count instead of skipping it, and still skips unknown events', async () => {
    const fractional = toolUse.replace('"output_tokens":89', '"output_tokens":89.5');
    expect(fractional).not.toBe(toolUse);
    const { error } = await streamed([fractional]);
    expect(error).toMatchObject({ kind: 'server', status: 502, message: 'anthropic returned a response the gateway could not read.' });
    const withNewEvent = toolUse.replace('event: ping', 'event: future_thing\ndata: {"type":"future_thing","x":1}\n\nevent: ping');
    expect((await streamed([withNewEvent])).error).toBeUndefined();
  });

  it('refuses a message whose cached count is negative before sending anything', async () => {
    const thinking = fixture('thinking-tool-use.sse.txt');
    const negative = thinking.replace('"cache_read_input_tokens":2048', '"cache_read_input_tokens":-2048');
    expect(negative).not.toBe(thinking);
    const { received, error } = await streamed([negative]);
    expect(received).toEqual([]);
    expect(error).toMatchObject({ status: 502, message: 'anthropic returned a response the gateway could not read.' });
  });
});
