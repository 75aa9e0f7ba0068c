import type { ChatCompletionChunk } from '../../schemas/openai-chat-response.js';
import type { SseEvent } from '../../sse/parse-sse.js';
import { malformedResponse, streamEndedEarly, upstreamError } from '../upstream-error.js';
import { deltasOf } from './gemini-deltas.js';
import { toFinishReason, toOpenAIUsage } from './gemini-usage.js';
import { geminiErrorBodySchema, geminiResponseSchema, type GeminiUsage } from './gemini-wire.js';

/**
 * streamGenerateContent with `alt=sse`: each event is a partial GenerateContentResponse
 * (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent), whose
 * candidates (several when the request asks for `n`) become the choices of their `index`. Gemini
 * has no end-of-stream event: each candidate's `finishReason` ("if empty, the model has not
 * stopped generating") or a blocked prompt (`promptFeedback.blockReason`) is how a finished
 * stream shows; one that ends without them was cut. Usage may follow the finish in a last event
 * of its own, so the finish chunks wait for the end.
 */
export async function* geminiEventsToChunks(
  provider: string,
  events: AsyncIterable<SseEvent>,
  model: string,
  id: string,
  created: number,
): AsyncGenerator<ChatCompletionChunk> {
  const chunk = (index: number, delta: ChatCompletionChunk['choices'][number]['delta'], finish: string | null = null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index, delta, finish_reason: finish }],
  });
  let usage: GeminiUsage | undefined;
  /** Per candidate index: the tool calls it made so far and its finish reason, once sent. */
  const candidates = new Map<number, { tools: number; finishReason: string | undefined }>();
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
      yield chunk(0, { role: 'assistant', content: '' });
    }
    usage = response.data.usageMetadata ?? usage;
    blocked ||= response.data.promptFeedback?.blockReason !== undefined;
    for (const [position, candidate] of (response.data.candidates ?? []).entries()) {
      const index = candidate.index ?? position;
      let state = candidates.get(index);
      if (!state) {
        state = { tools: 0, finishReason: undefined };
        candidates.set(index, state);
        if (index > 0) yield chunk(index, { role: 'assistant', content: '' });
      }
      const { deltas, tools } = deltasOf(candidate, state.tools);
      state.tools += tools;
      state.finishReason = candidate.finishReason ?? state.finishReason;
      for (const delta of deltas) yield chunk(index, delta);
    }
  }
  const finished = candidates.size > 0 && [...candidates.values()].every((state) => state.finishReason !== undefined);
  if (!finished && !blocked) throw streamEndedEarly(provider);
  if (candidates.size === 0) yield chunk(0, {}, 'content_filter');
  for (const [index, state] of [...candidates].sort(([a], [b]) => a - b)) {
    yield chunk(index, {}, state.finishReason === undefined ? 'content_filter' : toFinishReason(state.finishReason, state.tools > 0));
  }
  yield { ...chunk(0, {}), choices: [], usage: toOpenAIUsage(usage) };
}
