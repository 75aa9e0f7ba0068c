import { anthropicEventType } from '../anthropic/anthropic-event-type.js';
import type { SseEvent } from '../../sse/parse-sse.js';

/**
 * InvokeModelWithResponseStream's chunks for Claude, each one Anthropic stream event as JSON,
 * as the events Anthropic's API would have sent: named by their type, the data as it came
 * (Bedrock's `amazon-bedrock-invocationMetrics` on message_stop included).
 */
export async function* bedrockChunksToEvents(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  for await (const bytes of chunks) {
    const data = decoder.decode(bytes);
    yield { event: anthropicEventType(data) || undefined, data };
  }
}
