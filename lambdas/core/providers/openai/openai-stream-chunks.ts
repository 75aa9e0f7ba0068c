import type { ProviderError } from '../../errors.js';
import { chatCompletionChunkSchema, type ChatCompletionChunk } from '../../schemas/openai-chat-response.js';
import type { SseEvent } from '../../sse/parse-sse.js';
import { malformedResponse, streamEndedEarly, upstreamError } from '../upstream-error.js';
import { openAIErrorBodySchema } from './read-openai-error-body.js';

/**
 * OpenAI's stream: `data: <chunk json>` events ending with `data: [DONE]`
 * (https://platform.openai.com/docs/api-reference/chat-streaming). A stream that ends without
 * `[DONE]` (cut, empty, or not SSE at all) was not finished: it is a ProviderError, never a
 * normal end.
 */
export async function* openAIStreamChunks(
  provider: string,
  events: AsyncIterable<SseEvent>,
): AsyncGenerator<ChatCompletionChunk> {
  for await (const event of events) {
    if (event.data === '[DONE]') return;
    yield readOpenAIChunk(provider, event.data).chunk;
  }
  throw streamEndedEarly(provider);
}

/**
 * One event's chunk, validated, and the JSON it came as. Some compatible hosts report a failure
 * mid-stream as `data: {"error": {...}}`: that is thrown as a ProviderError, as is anything
 * that is neither.
 */
export function readOpenAIChunk(provider: string, data: string): { chunk: ChatCompletionChunk; json: Record<string, unknown> } {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw malformedResponse(provider);
  }
  const chunk = chatCompletionChunkSchema.safeParse(json);
  if (chunk.success) return { chunk: chunk.data, json: json as Record<string, unknown> };
  throw unexpectedBody(provider, json);
}

/**
 * What a 2xx body that is not the answer means: a failure the host reported in it
 * (`{"error": {...}}`), as a ProviderError, or a malformed response.
 */
export function unexpectedBody(provider: string, json: unknown): ProviderError {
  const failure = openAIErrorBodySchema.safeParse(json);
  if (!failure.success) return malformedResponse(provider);
  const { code, message, type } = failure.data.error;
  return upstreamError(provider, typeof code === 'number' ? code : 502, {}, 0, { message: message ?? 'the stream failed', type });
}
