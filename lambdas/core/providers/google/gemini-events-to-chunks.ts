import type { ChatCompletionChunk } from '../../schemas/openai-chat-response.js';
import type { SseEvent } from '../../sse/parse-sse.js';
import { malformedResponse } from '../call-upstream.js';
import { deltasOf, toFinishReason, toOpenAIUsage } from './from-gemini-response.js';
import { geminiErrorBodySchema, geminiResponseSchema, type GeminiUsage } from './gemini-wire.js';
import { upstreamError } from '../upstream-error.js';

/**
 * streamGenerateContent with `alt=sse`: each event is a partial GenerateContentResponse
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
 */
export async function* geminiEventsToChunks(
  provider: string,
  events: AsyncIterable<SseEvent>,
  model: string,
  id: string,
  created: number,
): AsyncGenerator<ChatCompletionChunk> {
  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: string | null = null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  let usage: GeminiUsage | undefined;
  let toolCount = 0;
  let finishReason: string | undefined;
  yield chunk({ role: 'assistant', content: '' });
  for await (const event of events) {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      throw malformedResponse(provider);
    }
    const failure = geminiErrorBodySchema.safeParse(json);
    if (failure.success) {
      const { code, message, status } = failure.data.error;
      throw upstreamError(provider, code ?? 500, {}, 0, { message, type: status });
    }
    const response = geminiResponseSchema.safeParse(json);
    if (!response.success) throw malformedResponse(provider);
    usage = response.data.usageMetadata ?? usage;
    const { deltas, finishReason: reason, tools } = deltasOf(response.data, toolCount);
    toolCount += tools;
    finishReason = reason ?? finishReason;
    for (const delta of deltas) yield chunk(delta);
  }
  yield chunk({}, toFinishReason(finishReason ?? 'STOP', toolCount > 0));
  yield { ...chunk({}), choices: [], usage: toOpenAIUsage(usage) };
}
