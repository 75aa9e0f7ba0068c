import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { geminiProvider } from '../../../../lambdas/core/providers/google/gemini-provider.js';
import type { ProviderCall } from '../../../../lambdas/core/providers/provider.js';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../../../lambdas/core/schemas/openai-chat-request.js';
import type { HttpClient } from '../../../../lambdas/ports/http-client.js';
import { collect, collectUntilError } from '../../../support/collect.js';
import { providerCall } from '../../../support/provider-call.js';
import { cut, recordingHttp } from '../../../support/recording-http.js';
import { assembled } from '../assembled.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/providers/google/${name}`, import.meta.url), 'utf8');
const provider = geminiProvider();
const request = (fields: Record<string, unknown>): ChatCompletionRequest =>
  chatCompletionRequestSchema.parse({ model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }], ...fields });

const callWith = (http: HttpClient): ProviderCall =>
  providerCall({ model: 'gemini-2.5-flash', credentials: { apiKey: 'AIza-test-key-123456', baseUrl: 'http://gemini.test' }, http });

describe('gemini provider', () => {
  it('calls streamGenerateContent with the key header, system instruction, media inline, tools and config', async () => {
    const { http, sent } = recordingHttp({ status: 200, chunks: [fixture('function-call.sse.txt')] });
    await provider.stream(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        ],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
        tool_choice: 'required',
        temperature: 0.2,
        max_tokens: 300,
        stop: ['END'],
        response_format: { type: 'json_object' },
        reasoning_effort: 'low',
      }),
      callWith(http),
    );
    expect(sent[0]?.url).toBe('http://gemini.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(sent[0]?.headers['x-goog-api-key']).toBe('AIza-test-key-123456');
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { location: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { content: '18°C' } } }] },
      ],
      tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
      generationConfig: {
        temperature: 0.2,
        maxOutputTokens: 300,
        stopSequences: ['END'],
        responseMimeType: 'application/json',
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      },
    });
  });

  it('turns streamed function calls and thoughts into tool calls and reasoning, counting thoughts as reasoning tokens', async () => {
    const { http } = recordingHttp({ status: 200, chunks: cut(fixture('function-call.sse.txt'), 70) });
    const completion = await assembled(await provider.stream(request({}), callWith(http)));
    expect(completion.choices[0]).toEqual({
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        reasoning_content: 'The user asks about the weather, so I call the function.',
        tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' } }],
      },
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 120,
      completion_tokens: 60,
      total_tokens: 180,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 40 },
    });
  });

  it('streams with alt=sse into text deltas, a finish chunk and the last usage', async () => {
    const { http, sent } = recordingHttp({ status: 200, chunks: cut(fixture('text.sse.txt'), 70) });
    const chunks = await collect(await provider.stream(request({ stream: true }), callWith(http)));
    expect(sent[0]?.url).toBe('http://gemini.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello from Gemini!');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4 });
  });

  it('classifies RESOURCE_EXHAUSTED as a retryable rate limit and refuses image URLs it cannot fetch', async () => {
    const { http } = recordingHttp({ status: 429, chunks: [fixture('resource-exhausted.json')] });
    const error = await provider.stream(request({}), callWith(http)).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ kind: 'rate_limit', retryable: true, status: 429, type: 'RESOURCE_EXHAUSTED' });
    const remote = recordingHttp({ status: 200, chunks: [] });
    const refused = await provider
      .stream(request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] }), callWith(remote.http))
      .catch((thrown: unknown) => thrown);
    expect(refused).toMatchObject({ status: 400, code: 'unsupported_parameter' });
    expect(remote.sent).toHaveLength(0);
  });
});

describe('gemini provider against a misbehaving upstream', () => {
  const streamed = async (chunks: string[]) =>
    collectUntilError(await provider.stream(request({ stream: true }), callWith(recordingHttp({ status: 200, chunks }).http)));
  const events = fixture('text.sse.txt').trim().split('\n\n');
  const sse = (...data: unknown[]) => data.map((item) => `data: ${JSON.stringify(item)}\n\n`).join('');

  it('reports a stream that ends before any candidate carries finishReason as ended early', async () => {
    const { received, error } = await streamed(cut(events.slice(0, -1).join('\n\n') + '\n\n', 50));
    expect(received.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello from Gemini!');
    expect(error).toMatchObject({ kind: 'connection', status: 502, retryable: true, message: 'google: the stream ended early.' });
  });

  it('sends nothing for an empty or unreadable stream, so routing can still fail over', async () => {
    for (const chunks of [[], ['data: <html>\n\n']]) {
      const { received, error } = await streamed(chunks);
      expect(received).toEqual([]);
      expect(error).toMatchObject({ status: 502 });
    }
  });

  it('takes usage sent after the finish, and a blocked prompt as a content-filter finish', async () => {
    const finished = await streamed([
      sse(
        { candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP', index: 0 }] },
        { usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 1, totalTokenCount: 10 } },
      ),
    ]);
    expect(finished.error).toBeUndefined();
    expect(finished.received.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(finished.received.at(-1)?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 1 });
    const blocked = await streamed([sse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 } })]);
    expect(blocked.error).toBeUndefined();
    expect(blocked.received.at(-2)?.choices[0]?.finish_reason).toBe('content_filter');
  });

  it('turns the candidates asked for with n into the choices of their index, each with its own finish', async () => {
    const candidate = (index: number, parts: unknown[], finishReason?: string) => ({ index, content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) });
    const events = sse(
      { candidates: [candidate(0, [{ text: 'Paris' }]), candidate(1, [{ functionCall: { name: 'get_weather', args: { city: 'Lyon' } } }], 'STOP')] },
      { candidates: [candidate(0, [{ text: ' it is.' }], 'MAX_TOKENS')], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 8 } },
    );
    const { http, sent } = recordingHttp({ status: 200, chunks: [events] });
    const completion = await assembled(await provider.stream(request({ n: 2 }), callWith(http)));
    expect(JSON.parse(sent[0]?.body ?? '').generationConfig).toMatchObject({ candidateCount: 2 });
    expect(completion.choices).toEqual([
      { index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'Paris it is.' } },
      {
        index: 1,
        finish_reason: 'tool_calls',
        message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } }] },
      },
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 8 });
    const oneUnfinished = await streamed([sse({ candidates: [candidate(0, [{ text: 'a' }], 'STOP'), candidate(1, [{ text: 'b' }])] })]);
    expect(oneUnfinished.error).toMatchObject({ status: 502, message: 'google: the stream ended early.' });
  });

  it('refuses fractional counts and a cached count above the prompt', async () => {
    for (const usageMetadata of [
      { promptTokenCount: 9.5, candidatesTokenCount: 1 },
      { promptTokenCount: 9, candidatesTokenCount: 1, cachedContentTokenCount: 10 },
      { promptTokenCount: 9, candidatesTokenCount: 1, thoughtsTokenCount: -1 },
    ]) {
      const { error } = await streamed([sse({ candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }], usageMetadata })]);
      expect(error, JSON.stringify(usageMetadata)).toMatchObject({ status: 502, message: 'google returned a response the gateway could not read.' });
    }
  });
});
