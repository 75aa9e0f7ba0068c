import { describe, expect, it } from 'vitest';
import { collect } from '../../../support/collect.js';
import { providerCall } from '../../../support/provider-call.js';
import { mockProvider } from '../../../../lambdas/core/providers/mock/mock-provider.js';
import type { ProviderCall } from '../../../../lambdas/core/providers/provider.js';
import type { ChatCompletionRequest } from '../../../../lambdas/core/schemas/openai-chat-request.js';
import { assembled } from '../assembled.js';

const callFor = (model: string): ProviderCall => providerCall({ model });

const ask = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'mock/x',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('mock provider', () => {
  it('echoes the last user message, the same way every time', async () => {
    const first = await assembled(await mockProvider.stream(ask('same input'), callFor('echo')));
    const second = await assembled(await mockProvider.stream(ask('same input'), callFor('echo')));
    expect(first.choices[0]?.message.content).toBe('same input');
    expect(second.choices).toEqual(first.choices);
    expect(second.usage).toEqual(first.usage);
  });

  it('streams lorem-<n> as n content chunks, a finish chunk and a usage chunk', async () => {
    const chunks = await collect(await mockProvider.stream(ask('hi'), callFor('lorem-40')));
    const content = chunks.filter((chunk) => chunk.choices[0]?.delta.content);
    expect(content).toHaveLength(40);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 40 });
  });

  it('fails on purpose with the status in its name', async () => {
    const error = await mockProvider.stream(ask('hi'), callFor('fail-429')).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 429, kind: 'rate_limit', retryAfterMs: 1000, retryable: true });
    const streamError = await mockProvider.stream(ask('hi'), callFor('fail-500')).catch((thrown: unknown) => thrown);
    expect(streamError).toMatchObject({ status: 500, kind: 'server' });
  });

  it('calls the named tool with the user message, split across argument deltas when streaming', async () => {
    const request = ask('Paris', {
      tools: [
        { type: 'function', function: { name: 'first' } },
        { type: 'function', function: { name: 'weather' } },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
    });
    const completion = await assembled(await mockProvider.stream(request, callFor('echo')));
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls?.[0]?.function).toEqual({
      name: 'weather',
      arguments: '{"input":"Paris"}',
    });
    const chunks = await collect(await mockProvider.stream(request, callFor('echo')));
    const args = chunks.map((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('');
    expect(args).toBe('{"input":"Paris"}');
  });

  it('refuses unknown mock models with model_not_found', async () => {
    const error = await mockProvider.stream(ask('hi'), callFor('gpt-5')).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found' });
  });
});
