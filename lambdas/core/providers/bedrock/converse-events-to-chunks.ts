import type { ChatCompletionChunk } from '../../schemas/openai-chat-response.js';
import { malformedResponse, streamEndedEarly } from '../upstream-error.js';
import { converseStreamEventSchema, type ConverseUsage } from './bedrock-wire.js';
import { toFinishReason, toOpenAIUsage } from './converse-usage.js';
import type { ConverseTranslation } from './to-converse-request.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/**
 * ConverseStream events → OpenAI chunks
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html).
 * Usage arrives in the `metadata` event after `messageStop`, so the finish chunk waits for it; a
 * stream that ends without both was cut, not finished, and is an error.
 */
export async function* converseEventsToChunks(
  provider: string,
  events: AsyncIterable<unknown>,
  translation: ConverseTranslation,
  model: string,
  id: string,
  created: number,
): AsyncGenerator<ChatCompletionChunk> {
  const chunk = (delta: Delta, finish: string | null = null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const toolIndexes = new Map<number, number>();
  const structuredBlocks = new Set<number>();
  let stopReason: string | undefined;
  let usage: ConverseUsage | undefined;
  let sawMetadata = false;
  for await (const raw of events) {
    const parsed = converseStreamEventSchema.safeParse(raw);
    if (!parsed.success) throw malformedResponse(provider);
    const event = parsed.data;
    if (event.messageStart) yield chunk({ role: 'assistant', content: '' });
    const start = event.contentBlockStart;
    if (start?.start?.toolUse) {
      const { toolUseId, name } = start.start.toolUse;
      if (name === translation.structuredOutputTool) structuredBlocks.add(start.contentBlockIndex);
      else {
        const index = toolIndexes.size;
        toolIndexes.set(start.contentBlockIndex, index);
        yield chunk({ tool_calls: [{ index, id: toolUseId, type: 'function', function: { name, arguments: '' } }] });
      }
    }
    const delta = event.contentBlockDelta;
    if (delta) {
      if (delta.delta.text) yield chunk({ content: delta.delta.text });
      if (delta.delta.reasoningContent?.text) yield chunk({ reasoning_content: delta.delta.reasoningContent.text });
      const input = delta.delta.toolUse?.input;
      if (input) {
        if (structuredBlocks.has(delta.contentBlockIndex)) yield chunk({ content: input });
        const index = toolIndexes.get(delta.contentBlockIndex);
        if (index !== undefined) yield chunk({ tool_calls: [{ index, function: { arguments: input } }] });
      }
    }
    if (event.messageStop) stopReason = event.messageStop.stopReason;
    if (event.metadata) {
      sawMetadata = true;
      usage = event.metadata.usage;
    }
  }
  if (stopReason === undefined || !sawMetadata) throw streamEndedEarly(provider);
  yield chunk({}, toFinishReason(stopReason, structuredBlocks.size > 0));
  yield { ...chunk({}), choices: [], usage: toOpenAIUsage(usage) };
}
