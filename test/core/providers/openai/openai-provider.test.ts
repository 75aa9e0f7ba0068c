import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collect } from '../../../support/collect.js';
import { ProviderError } from '../../../../lambdas/core/errors.js';
import { openAICompatibleProvider } from '../../../../lambdas/core/providers/openai/openai-provider.js';
import type { ProviderCall } from '../../../../lambdas/core/providers/provider.js';
import type { ChatCompletionRequest } from '../../../../lambdas/core/schemas/openai-chat-request.js';
import type { HttpClient } from '../../../../lambdas/ports/http-client.js';
import { cut, recordingHttp } from '../../../support/recording-http.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/providers/openai/${name}`, import.meta.url), 'utf8');
const provider = openAICompatibleProvider('openai');
const request: ChatCompletionRequest = {
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
  requesty: { trace_id: 't-1' },
};

function callWith(http: HttpClient): ProviderCall {
  return {
    model: 'gpt-4o-mini',
    credentials: { apiKey: 'sk-test-key-123456', baseUrl: 'http://upstream.test/v1/' },
    http,
    clock: { now: () => Date.parse('2026-01-01T00:00:00Z') },
    signal: new AbortController().signal,
    firstByteTimeoutMs: 1000,
    idleTimeoutMs: 1000,
  };
}

describe('openai provider', () => {
  it('posts the request to <base>/chat/completions with the upstream model and key', async () => {
    const { http, sent } = recordingHttp({ status: 200, chunks: [fixture('completion.json')] });
    const completion = await provider.complete(request, callWith(http));
    expect(sent[0]?.url).toBe('http://upstream.test/v1/chat/completions');
    expect(sent[0]?.headers.authorization).toBe('Bearer sk-test-key-123456');
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({
      model: 'gpt-4o-mini',
      messages: request.messages,
      stream: false,
    });
    expect(completion.usage?.prompt_tokens).toBe(1117);
    expect(completion).toMatchObject({ service_tier: 'default', system_fingerprint: 'fp_fc9f1d7035' });
  });

  it('always asks for usage in streams and yields tool-call deltas with their indexes and ids', async () => {
    const { http, sent } = recordingHttp({ status: 200, chunks: cut(fixture('tool-call.sse.txt'), 37) });
    const chunks = await collect(await provider.stream({ ...request, stream: true }, callWith(http)));
    expect(JSON.parse(sent[0]?.body ?? '').stream_options).toEqual({ include_usage: true });
    expect(chunks).toHaveLength(5);
    expect(chunks[0]?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ index: 0, id: 'call_abc' });
    const args = chunks.map((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ location: 'Paris' });
    expect(chunks[3]?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks[4]?.usage?.prompt_tokens_details?.cached_tokens).toBe(64);
  });

  it('classifies a 429 as a retryable rate limit carrying Retry-After', async () => {
    const { http } = recordingHttp({ status: 429, headers: { 'retry-after': '2' }, chunks: [fixture('error-429.json')] });
    const error = await provider.complete(request, callWith(http)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: 'rate_limit',
      retryable: true,
      retryAfterMs: 2000,
      status: 429,
      code: 'rate_limit_exceeded',
      type: 'requests',
    });
  });

  it('classifies 400 and 401 as not retryable and a 503 as overloaded', async () => {
    for (const [status, kind, retryable] of [
      [400, 'bad_request', false],
      [401, 'auth', false],
      [503, 'overloaded', true],
    ] as const) {
      const { http } = recordingHttp({ status, chunks: ['<html>not json</html>'] });
      const error = await provider.complete(request, callWith(http)).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ kind, retryable, status, message: `openai answered with HTTP ${status}.` });
    }
  });

  it('turns an error event inside a stream into a ProviderError after the chunks before it', async () => {
    const { http } = recordingHttp({ status: 200, chunks: [fixture('midstream-error.sse.txt')] });
    const received: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of await provider.stream({ ...request, stream: true }, callWith(http))) received.push(chunk);
    })().catch((thrown: unknown) => thrown);
    expect(received).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'overloaded', status: 503, message: 'openai: Upstream model overloaded' });
  });

  it('reports a 200 with an unreadable body as a retryable server fault', async () => {
    const { http } = recordingHttp({ status: 200, chunks: ['{"id": 1'] });
    const error = await provider.complete(request, callWith(http)).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ kind: 'server', retryable: true, status: 502 });
  });
});
