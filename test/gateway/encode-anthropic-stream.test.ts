import { describe, expect, it } from 'vitest';
import { encodeAnthropicStream } from '../../lambdas/gateway/messages/encode-anthropic-stream.js';
import { keepAlive, type StreamItem } from '../../lambdas/gateway/keep-alive.js';
import type { ChatCompletionChunk } from '../../lambdas/core/schemas/openai-chat-response.js';
import { ProviderError } from '../../lambdas/core/errors.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null, usage?: ChatCompletionChunk['usage']): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }],
  ...(usage ? { usage } : {}),
});

async function events(items: StreamItem[], failWith?: Error): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  async function* source() {
    yield* items;
    if (failWith) throw failWith;
  }
  const out = [];
  for await (const text of encodeAnthropicStream(source(), 'model-x', [])) {
    const [eventLine, dataLine] = text.trim().split('\n');
    out.push({ event: eventLine?.slice('event: '.length) ?? '', data: JSON.parse(dataLine?.slice('data: '.length) ?? '{}') as Record<string, unknown> });
  }
  return out;
}

describe('encodeAnthropicStream', () => {
  it('opens one block per run of thinking, text and each tool call, in order, with pings for keep-alives', async () => {
    const out = await events([
      chunk({ role: 'assistant', content: '' }),
      keepAlive,
      chunk({ reasoning_content: 'Let me think.' }),
      chunk({ content: 'Calling.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }),
      chunk({}, 'tool_calls'),
      chunk({}, null, { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, prompt_tokens_details: { cached_tokens: 3 } }),
    ]);
    expect(out.map((e) => (e.event === 'content_block_start' ? `start:${(e.data.content_block as { type: string }).type}` : e.event))).toEqual([
      'message_start',
      'ping',
      'start:thinking',
      'content_block_delta',
      'content_block_stop',
      'start:text',
      'content_block_delta',
      'content_block_stop',
      'start:tool_use',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(out[8]?.data.content_block).toEqual({ type: 'tool_use', id: 'call_1', name: 'f', input: {} });
    expect(out[9]?.data).toMatchObject({ index: 2, delta: { type: 'input_json_delta', partial_json: '{"a":1}' } });
    expect(out[11]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 4, input_tokens: 7, cache_read_input_tokens: 3, cache_creation_input_tokens: 0 },
    });
  });

  it('ends a failed stream with an Anthropic error event', async () => {
    const failure = new ProviderError({ provider: 'p', kind: 'overloaded', status: 529, message: 'p: busy' });
    const out = await events([chunk({ content: 'Hel' })], failure);
    expect(out.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'p: busy' } } });
  });
});
