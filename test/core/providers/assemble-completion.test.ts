import { describe, expect, it } from 'vitest';
import { CompletionAssembler } from '../../../lambdas/core/providers/assemble-completion.js';
import type { ChatCompletionChunk } from '../../../lambdas/core/schemas/openai-chat-response.js';

const chunk = (choices: ChatCompletionChunk['choices'], extra: Record<string, unknown> = {}): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices,
  ...extra,
});

describe('CompletionAssembler', () => {
  it('builds the completion a non-streaming call returns: text, tool calls, several choices, logprobs, extras and usage', () => {
    const assembler = new CompletionAssembler();
    const chunks: ChatCompletionChunk[] = [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], { system_fingerprint: 'fp_1' }),
      chunk([{ index: 0, delta: { content: 'Hel' }, logprobs: { content: [{ token: 'Hel' }] }, finish_reason: null }]),
      chunk([{ index: 1, delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get', arguments: '' } }] }, finish_reason: null }]),
      chunk([{ index: 0, delta: { content: 'lo', reasoning_content: 'thinking' }, logprobs: { content: [{ token: 'lo' }] }, finish_reason: null }]),
      chunk([{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }, finish_reason: null }]),
      chunk([{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: '1}' } }] }, finish_reason: 'tool_calls' }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
      chunk([], { usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }),
    ];
    for (const piece of chunks) assembler.add(piece);
    expect(assembler.completion()).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-mini',
      system_fingerprint: 'fp_1',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello', reasoning_content: 'thinking' },
          logprobs: { content: [{ token: 'Hel' }, { token: 'lo' }] },
          finish_reason: 'stop',
        },
        {
          index: 1,
          message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"a":1}' } }] },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
  });
});
