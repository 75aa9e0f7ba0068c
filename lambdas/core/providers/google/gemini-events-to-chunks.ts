import type { ChatCompletionChunk } from '../../schemas/openai-chat-response.js';
import type { SseEvent } from '../../sse/parse-sse.js';
import { malformedResponse, streamEndedEarly, upstreamError } from '../upstream-error.js';
import { deltasOf } from './gemini-deltas.js';
import { toFinishReason, toOpenAIUsage } from './gemini-usage.js';
import { geminiErrorBodySchema, geminiResponseSchema, type GeminiUsage } from './gemini-wire.js';

/**
 * streamGenerateContent with `alt=sse`: each event is a partial GenerateContentResponse
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent). Gemini has
 * no end-of-stream event: a candidate's `finishReason` ("if empty, the model has not stopped
 * generating") or a blocked prompt (`promptFeedback.blockReason`, with no candidates) is how a
 * finished stream shows; one that ends without either was cut. Usage may follow the finish in
 * a last event of its own, so the finish chunk waits for the end.
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
  let blocked = false;
  let started = false;
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
    // The role chunk waits for the first real event, so a stream that fails before it can still fail over.
    if (!started) {
      started = true;
      yield chunk({ role: 'assistant', content: '' });
    }
    usage = response.data.usageMetadata ?? usage;
    blocked ||= response.data.promptFeedback?.blockReason !== undefined;
    const { deltas, finishReason: reason, tools } = deltasOf(response.data, toolCount);
    toolCount += tools;
    finishReason = reason ?? finishReason;
    for (const delta of deltas) yield chunk(delta);
  }
  if (finishReason === undefined && !blocked) throw streamEndedEarly(provider);
  yield chunk({}, blocked && finishReason === undefined ? 'content_filter' : toFinishReason(finishReason, toolCount > 0));
  yield { ...chunk({}), choices: [], usage: toOpenAIUsage(usage) };
}
