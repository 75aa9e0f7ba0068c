import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collect, collectUntilError } from '../../../support/collect.js';
import { ProviderError } from '../../../../lambdas/core/errors.js';
import type { ChatProvider, ProviderCall } from '../../../../lambdas/core/providers/provider.js';
import { findChatProvider } from '../../../../lambdas/core/providers/registry.js';
import type { ChatCompletionRequest } from '../../../../lambdas/core/schemas/openai-chat-request.js';
import type { HttpClient } from '../../../../lambdas/ports/http-client.js';
import { providerCall } from '../../../support/provider-call.js';
import { cut, recordingHttp } from '../../../support/recording-http.js';
import { assembled } from '../assembled.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/providers/openai/${name}`, import.meta.url), 'utf8');
function providerFor(id: string): ChatProvider {
  const provider = findChatProvider(id);
  if (!provider) throw new Error(`no provider ${id}`);
  return provider;
}
const provider = providerFor('openai');
const request: ChatCompletionRequest = {
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
  requesty: { trace_id: 't-1' },
};

const callWith = (http: HttpClient): ProviderCall =>
  providerCall({ model: 'gpt-4o-mini', credentials: { apiKey: 'sk-test-key-123456', baseUrl: 'http://upstream.test/v1/' }, http });

describe('openai provider', () => {
  it('asks <base>/chat/completions for a stream with usage, with the upstream model and key, and keeps the host’s extras', async () => {
    const { http, sent } = recordingHttp({ status: 200, chunks: cut(fixture('completion.sse.txt'), 90) });
    const completion = await assembled(await provider.stream(request, callWith(http)));
    expect(sent[0]?.url).toBe('http://upstream.test/v1/chat/completions');
    expect(sent[0]?.headers).toMatchObject({ authorization: 'Bearer sk-test-key-123456', accept: 'text/event-stream' });
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({
      model: 'gpt-4o-mini',
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(completion.choices[0]?.message.content).toBe('The image shows a wooden boardwalk path running through a lush green field or meadow.');
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

  it('sends Mistral, which refuses stream_options and reports usage unasked, no stream_options, the client\'s own neither', async () => {
    const mistral = providerFor('mistral');
    const { http, sent } = recordingHttp({ status: 200, chunks: cut(fixture('completion.sse.txt'), 90) });
    const asked = { ...request, model: 'mistral/mistral-small-latest', stream: true, stream_options: { include_usage: true } } as ChatCompletionRequest;
    await assembled(await mistral.stream(asked, callWith(http)));
    const native = mistral.openAIChatProtocol;
    if (!native) throw new Error('mistral speaks OpenAI chat');
    await collect(await native.streamChat({ model: 'x', messages: request.messages, stream_options: { include_usage: true } }, callWith(http)));
    for (const { body } of sent) {
      expect(JSON.parse(body ?? '')).not.toHaveProperty('stream_options');
      expect(JSON.parse(body ?? '')).toMatchObject({ model: 'gpt-4o-mini', stream: true });
    }
    expect(sent).toHaveLength(2);
  });

  it("sends Mistral OpenAI's max_completion_tokens and seed under its own names, in place, streamed or asked as JSON", async () => {
    const native = providerFor('mistral').openAIChatProtocol;
    if (!native) throw new Error('mistral speaks OpenAI chat');
    const body = { messages: request.messages, max_completion_tokens: 64, temperature: 0.2, seed: 7 };
    const { http, sent } = recordingHttp({ status: 200, chunks: cut(fixture('completion.sse.txt'), 90) });
    await collect(await native.streamChat(body, callWith(http)));
    expect(Object.keys(JSON.parse(sent[0]?.body ?? ''))).toEqual(['messages', 'max_tokens', 'temperature', 'random_seed', 'model', 'stream']);
    expect(JSON.parse(sent[0]?.body ?? '')).toMatchObject({ max_tokens: 64, random_seed: 7 });
    const json = recordingHttp({ status: 200, chunks: [JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [] })] });
    await native.completeChat({ ...body, max_tokens: 32 }, callWith(json.http));
    // Sent both names, the host's own is kept and OpenAI's left out.
    expect(JSON.parse(json.sent[0]?.body ?? '')).toEqual({ messages: request.messages, temperature: 0.2, random_seed: 7, max_tokens: 32, model: 'gpt-4o-mini', stream: false });
    // OpenAI itself gets them as they came.
    const openai = recordingHttp({ status: 200, chunks: cut(fixture('completion.sse.txt'), 90) });
    await collect(await (provider.openAIChatProtocol as NonNullable<typeof provider.openAIChatProtocol>).streamChat(body, callWith(openai.http)));
    expect(JSON.parse(openai.sent[0]?.body ?? '')).toMatchObject({ max_completion_tokens: 64, seed: 7 });
  });

  it('classifies a 429 as a retryable rate limit carrying Retry-After', async () => {
    const { http } = recordingHttp({ status: 429, headers: { 'retry-after': '2' }, chunks: [fixture('error-429.json')] });
    const error = await provider.stream(request, callWith(http)).catch((thrown: unknown) => thrown);
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
      const error = await provider.stream(request, callWith(http)).catch((thrown: unknown) => thrown);
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

  it('reports a 200 with an unreadable body, stream event or embeddings, as a retryable server fault', async () => {
    const streamed = await collectUntilError(await provider.stream(request, callWith(recordingHttp({ status: 200, chunks: ['data: {"id": 1\n\n'] }).http)));
    expect(streamed.error).toMatchObject({ kind: 'server', retryable: true, status: 502 });
    const { http } = recordingHttp({ status: 200, chunks: ['{"id": 1'] });
    const error = await provider.embed?.({ model: 'openai/e', input: 'hi' }, { ...callWith(http), model: 'e' }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ kind: 'server', retryable: true, status: 502 });
  });
});

describe('OpenAI-compatible presets', () => {
  it('address Azure deployments with api-version and the api-key header', async () => {
    const { http, sent } = recordingHttp({ status: 200, chunks: [fixture('completion.sse.txt')] });
    await providerFor('azure').stream(request, {
      ...callWith(http),
      model: 'my-gpt4o',
      credentials: { apiKey: 'azure-key-123456', baseUrl: 'https://contoso.openai.azure.com/' },
    });
    expect(sent[0]?.url).toBe('https://contoso.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21');
    expect(sent[0]?.headers['api-key']).toBe('azure-key-123456');
    expect(sent[0]?.headers.authorization).toBeUndefined();
  });

  it('refuses Azure without an endpoint instead of guessing one', async () => {
    const { http, sent } = recordingHttp({ status: 200, chunks: [] });
    const error = await providerFor('azure').stream(request, { ...callWith(http), credentials: {} }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 503, code: 'provider_not_configured' });
    expect(sent).toHaveLength(0);
  });

  it('send other hosts to their own base URL with a bearer key', async () => {
    for (const [id, url] of [
      ['groq', 'https://api.groq.com/openai/v1/chat/completions'],
      ['mistral', 'https://api.mistral.ai/v1/chat/completions'],
      ['openrouter', 'https://openrouter.ai/api/v1/chat/completions'],
    ] as const) {
      const { http, sent } = recordingHttp({ status: 200, chunks: [fixture('completion.sse.txt')] });
      await providerFor(id).stream(request, { ...callWith(http), credentials: { apiKey: 'key-123456789' } });
      expect(sent[0]?.url).toBe(url);
      expect(sent[0]?.headers.authorization).toBe('Bearer key-123456789');
    }
  });

  it('know which hosts run in the EU', () => {
    expect(providerFor('openai').runsInEu('gpt-4o', {})).toBe(false);
    expect(providerFor('openai').runsInEu('gpt-4o', { baseUrl: 'https://eu.api.openai.com/v1' })).toBe(true);
    expect(providerFor('mistral').runsInEu('mistral-large-latest', {})).toBe(true);
    expect(providerFor('groq').runsInEu('llama-3.3-70b', {})).toBe(false);
  });
});

describe('openai provider against a misbehaving upstream', () => {
  const streamed = async (chunks: string[]) =>
    collectUntilError(await provider.stream({ ...request, stream: true }, callWith(recordingHttp({ status: 200, chunks }).http)));

  it('reports a stream that ends without data: [DONE] as cut, after the chunks it did send', async () => {
    const full = fixture('tool-call.sse.txt');
    expect(full.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const { received, error } = await streamed(cut(full.slice(0, full.lastIndexOf('data: [DONE]')), 41));
    expect(received).toHaveLength(5);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'connection', status: 502, retryable: true, message: 'openai: the stream ended early.' });
  });

  it('reports an empty 200 stream, and one of binary noise, as errors before any chunk', async () => {
    for (const chunks of [[], ['\u0000\u00ff\u0013garbage\nmore garbage\r\u0001']]) {
      const { received, error } = await streamed(chunks);
      expect(received).toEqual([]);
      expect(error).toMatchObject({ status: 502, retryable: true });
    }
  });

  it('refuses a stream event of 10 MB as a retryable 502', async () => {
    const { received, error } = await streamed(['data: {"id": "', ...cut('a'.repeat(10_000_000), 1024 * 1024), '"}\n\n']);
    expect(received).toEqual([]);
    expect(error).toMatchObject({ kind: 'server', status: 502, message: 'openai sent a stream event larger than the gateway reads (8 MiB).' });
  });

  it('ends a stream whose usage chunk has a fractional, negative, absurd or inconsistent count with an error, not a usage', async () => {
    const events = fixture('completion.sse.txt').trim().split('\n\n');
    const usageChunk = JSON.parse((events.at(-2) ?? '').slice('data: '.length)) as Record<string, unknown>;
    const withUsage = (usage: unknown) => [...events.slice(0, -2), `data: ${JSON.stringify({ ...usageChunk, usage })}`, 'data: [DONE]'].join('\n\n') + '\n\n';
    expect(withUsage(usageChunk.usage)).toBe(fixture('completion.sse.txt'));
    for (const usage of [
      { prompt_tokens: 10.5, completion_tokens: 1, total_tokens: 11.5 },
      { prompt_tokens: 10, completion_tokens: -1, total_tokens: 9 },
      { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, prompt_tokens_details: { cached_tokens: -4 } },
      { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, prompt_tokens_details: { cached_tokens: 11 } },
      { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, completion_tokens_details: { reasoning_tokens: 0.5 } },
      { prompt_tokens: 1e12, completion_tokens: 1, total_tokens: 1e12 + 1 },
      { prompt_tokens: '10', completion_tokens: 1, total_tokens: 11 },
    ]) {
      const { received, error } = await streamed([withUsage(usage)]);
      expect(received, JSON.stringify(usage)).toHaveLength(4);
      expect(error, JSON.stringify(usage)).toMatchObject({ kind: 'server', status: 502, message: 'openai returned a response the gateway could not read.' });
    }
  });

  it('refuses embeddings whose usage is not a whole count', async () => {
    const { http } = recordingHttp({
      status: 200,
      chunks: [JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1] }], model: 'e', usage: { prompt_tokens: -3, total_tokens: -3 } })],
    });
    const error = await provider.embed?.({ model: 'openai/e', input: 'hi' }, { ...callWith(http), model: 'e' }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 502 });
  });

  it('passes the headers timeout, idle limit and deadline to the HTTP client', async () => {
    const { http, sent } = recordingHttp({ status: 200, chunks: [fixture('completion.sse.txt')] });
    await provider.stream(request, { ...callWith(http), headersTimeoutMs: 1234, idleTimeoutMs: 567, deadlineAt: 1_800_000_000_000 });
    expect(sent[0]).toMatchObject({ headersTimeoutMs: 1234, idleTimeoutMs: 567, deadlineAt: 1_800_000_000_000 });
  });
});

describe('what a provider cannot make the gateway relay', () => {
  it('cuts a provider’s error message to 2,000 characters', async () => {
    const { http } = recordingHttp({ status: 500, chunks: [JSON.stringify({ error: { message: 'x'.repeat(50_000), type: 'server_error' } })] });
    const error = await provider.stream(request, callWith(http)).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toBe(`openai: ${'x'.repeat(2_000)}…`);
  });

  it('turns a redirect, or an error event naming a status outside 4xx and 5xx, into a retryable 502', async () => {
    const { http } = recordingHttp({ status: 301, headers: { location: 'http://elsewhere.test/' }, chunks: ['moved'] });
    const redirected = await provider.stream(request, callWith(http)).catch((thrown: unknown) => thrown);
    expect(redirected).toMatchObject({ status: 502, kind: 'server', retryable: true, message: 'openai answered with HTTP 301.' });
    for (const code of [200, 1000, 99.5]) {
      const event = `data: ${JSON.stringify({ error: { message: 'odd', type: 'x', code } })}\n\n`;
      const { error } = await collectUntilError(await provider.stream({ ...request, stream: true }, callWith(recordingHttp({ status: 200, chunks: [event] }).http)));
      expect(error, String(code)).toMatchObject({ status: 502, kind: 'server', message: 'openai: odd' });
    }
  });
});
