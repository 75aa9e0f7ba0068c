import { randomUUID } from 'node:crypto';
import type { ChatCompletionChunk, Usage } from '../../core/schemas/openai-chat-response.js';
import { keepAlive, type StreamItem } from '../keep-alive.js';
import { toAnthropicError } from './anthropic-error-body.js';
import { toAnthropicUsage, toStopReason } from './to-anthropic-message.js';

type Block = { type: 'text' } | { type: 'thinking' } | { type: 'tool_use'; toolIndex: number };

const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/**
 * OpenAI chunks → Anthropic's stream events
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming): one content block per run of
 * text, thinking or one tool call, opened and closed in order; keep-alives become `ping`; a
 * failure after the start becomes an `error` event, as Anthropic sends it.
 */
export async function* encodeAnthropicStream(
  items: AsyncIterable<StreamItem>,
  model: string,
  knownSecrets: readonly string[],
): AsyncGenerator<string> {
  let started = false;
  let open: Block | undefined;
  let index = -1;
  let finishReason: string | null = null;
  let usage: Usage | undefined;
  const start = (id: string) => {
    started = true;
    return event('message_start', {
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: toAnthropicUsage(undefined) },
    });
  };
  function* switchTo(block: Block, contentBlock: Record<string, unknown>): Generator<string> {
    if (open) yield event('content_block_stop', { index });
    open = block;
    index++;
    yield event('content_block_start', { index, content_block: contentBlock });
  }

  try {
    for await (const item of items) {
      if (item === keepAlive) {
        yield event('ping', {});
        continue;
      }
      const chunk: ChatCompletionChunk = item;
      if (!started) yield start(chunk.id || `msg_${randomUUID()}`);
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta as typeof choice.delta & { reasoning_content?: string };
      if (delta.reasoning_content) {
        if (open?.type !== 'thinking') yield* switchTo({ type: 'thinking' }, { type: 'thinking', thinking: '' });
        yield event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: delta.reasoning_content } });
      }
      if (delta.content) {
        if (open?.type !== 'text') yield* switchTo({ type: 'text' }, { type: 'text', text: '' });
        yield event('content_block_delta', { index, delta: { type: 'text_delta', text: delta.content } });
      }
      for (const call of delta.tool_calls ?? []) {
        if (call.id || open?.type !== 'tool_use' || open.toolIndex !== call.index) {
          yield* switchTo(
            { type: 'tool_use', toolIndex: call.index },
            { type: 'tool_use', id: call.id ?? `toolu_${randomUUID()}`, name: call.function?.name ?? '', input: {} },
          );
        }
        if (call.function?.arguments) {
          yield event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: call.function.arguments } });
        }
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  } catch (error) {
    if (!started) yield start(`msg_${randomUUID()}`);
    yield event('error', toAnthropicError(error, knownSecrets).body);
    return;
  }
  if (!started) yield start(`msg_${randomUUID()}`);
  if (open) yield event('content_block_stop', { index });
  const { output_tokens, ...input } = toAnthropicUsage(usage);
  yield event('message_delta', { delta: { stop_reason: toStopReason(finishReason), stop_sequence: null }, usage: { output_tokens, ...input } });
  yield event('message_stop', {});
}
