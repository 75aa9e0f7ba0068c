import { malformedResponse, streamEndedEarly, upstreamError } from '../upstream-error.js';
import type { ChatCompletionChunk, Usage } from '../../schemas/openai-chat-response.js';
import type { SseEvent } from '../../sse/parse-sse.js';
import type { AnthropicTranslation } from './to-anthropic-request.js';
import { toFinishReason, toOpenAIUsage } from './anthropic-usage.js';
import { anthropicStreamEventSchema, isKnownStreamEvent, type AnthropicUsage } from './anthropic-wire.js';
import { anthropicErrorStatus } from './read-anthropic-error-body.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/**
 * Anthropic's stream events → OpenAI chunks, as they arrive
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming). Tool-use blocks become tool
 * calls numbered in their order of appearance, with the id and name on their first delta, as
 * the OpenAI SDKs' stream helpers expect.
 */
export async function* anthropicEventsToChunks(
  provider: string,
  events: AsyncIterable<SseEvent>,
  translation: AnthropicTranslation,
  created: number,
): AsyncGenerator<ChatCompletionChunk> {
  let id = '';
  let model = '';
  let usage: AnthropicUsage = {};
  let finish: string | null = null;
  /** Anthropic content-block index → OpenAI tool-call index, for tool_use blocks. */
  const toolIndexes = new Map<number, number>();
  const structuredBlocks = new Set<number>();
  const chunk = (delta: Delta, finishReason: string | null = null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });

  for await (const raw of events) {
    let json: unknown;
    try {
      json = JSON.parse(raw.data);
    } catch {
      throw malformedResponse(provider);
    }
    const parsed = anthropicStreamEventSchema.safeParse(json);
    if (!parsed.success) {
      // Event types Anthropic adds later are skipped; a known event out of shape (usage included) is not.
      if (isKnownStreamEvent(json)) throw malformedResponse(provider);
      continue;
    }
    const event = parsed.data;
    switch (event.type) {
      case 'message_start':
        id = event.message.id;
        model = event.message.model;
        usage = event.message.usage;
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'content_block_start': {
        const block = event.content_block as { type: string; id?: string; name?: string };
        if (block.type !== 'tool_use') break;
        if (block.name === translation.structuredOutputTool) {
          structuredBlocks.add(event.index);
          break;
        }
        const index = toolIndexes.size;
        toolIndexes.set(event.index, index);
        yield chunk({ tool_calls: [{ index, id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: '' } }] });
        break;
      }
      case 'content_block_delta': {
        const { delta } = event;
        if (delta.type === 'text_delta' && delta.text) yield chunk({ content: delta.text });
        else if (delta.type === 'thinking_delta' && delta.thinking) yield chunk({ reasoning_content: delta.thinking });
        else if (delta.type === 'input_json_delta' && delta.partial_json) {
          if (structuredBlocks.has(event.index)) yield chunk({ content: delta.partial_json });
          const index = toolIndexes.get(event.index);
          if (index !== undefined) yield chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] });
        }
        break;
      }
      case 'message_delta':
        usage = { ...usage, ...event.usage };
        finish = structuredBlocks.size > 0 && event.delta.stop_reason === 'tool_use' ? 'stop' : toFinishReason(event.delta.stop_reason);
        break;
      case 'message_stop':
        yield chunk({}, finish ?? 'stop');
        yield { ...chunk({}), choices: [], usage: toOpenAIUsage(usage) satisfies Usage };
        return;
      case 'error':
        throw upstreamError(provider, anthropicErrorStatus(event.error.type), {}, 0, event.error);
      default:
        break;
    }
  }
  throw streamEndedEarly(provider);
}
