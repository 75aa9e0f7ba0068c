import { measurePrompt } from '../../core/accounting/usage-bound.js';
import { openAIChatProtocolFor } from '../../core/providers/native-protocol.js';
import { openAIStreamChunks } from '../../core/providers/openai/openai-stream-chunks.js';
import type { ChatProvider, ProviderCall } from '../../core/providers/provider.js';
import { streamEndedEarly } from '../../core/providers/upstream-error.js';
import type { Attempt } from '../../core/routing/plan-attempts.js';
import type { TryResult } from '../../core/routing/run-attempts.js';
import type { ChatCompletionRequest } from '../../core/schemas/openai-chat-request.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';
import type { ApiKeyRecord } from '../../ports/key-store.js';
import type { GatewayDeps } from '../gateway-config.js';
import type { GatewayRequest } from '../gateway-http.js';
import { nativeMessagesBody } from '../messages/native-messages-body.js';
import { carriesContent, openAnswer, openStream, type OpenedAnswer, type OpenedStream } from '../open-answer.js';
import type { RequestLogEntry } from '../request-log-entry.js';
import { assembled, chatRouting, chunkStream, completeChat, settleOnce, type AnswerChat, type ChatOutcome, type OpenChat } from '../run-chat.js';
import { routedHeaders, runRouted } from '../run-routed.js';
import { settledUsageFields } from '../settled-usage-fields.js';
import { OpenAIChunkWatch, startsAnswer, type SeenChunk } from './openai-chunk-watch.js';
import { passOpenAIStream } from './pass-openai-stream.js';

/** A served /v1/chat/completions request: as runChat's, or a stream passed through as the upstream sent it. */
export type ChatCompletionsOutcome =
  | ChatOutcome
  | { kind: 'passthrough'; body: AsyncIterable<string>; cancel: () => void; headers: Record<string, string> };

/** One attempt's stream: the upstream's own events from an OpenAI-protocol target, OpenAI chunks translated from any other. */
type Opened =
  | { kind: 'native'; answer: OpenedStream<SseEvent>; watch: OpenAIChunkWatch; leadSeen: SeenChunk[] }
  | { kind: 'translated'; answer: OpenedAnswer };

/**
 * Routes a chat request like runChat (aliases, policies, limits, failover), choosing per attempt:
 * a target that speaks OpenAI's protocol gets the client's JSON as it came (the gateway's own
 * fields removed, the model, streaming and usage set) and, for a stream, its events go back as
 * they came, only the chunks that matter to the ledger and the log read; any other target gets
 * the request translated. JSON answers are assembled from the stream either way, except with
 * `upstreamJson`, where an OpenAI-protocol target is asked for its JSON answer and it is passed on.
 */
export async function runChatCompletions(
  body: ChatCompletionRequest,
  raw: Record<string, unknown>,
  key: ApiKeyRecord,
  log: RequestLogEntry,
  request: GatewayRequest,
  deps: GatewayDeps,
): Promise<ChatCompletionsOutcome> {
  const prompt = measurePrompt(body, Buffer.byteLength(request.body));
  const routing = chatRouting(body, key, log, request, prompt);
  // As for /v1/messages: the client's JSON without the gateway's `requesty`.
  const sent = nativeMessagesBody(raw, { autoCache: false, spendLimited: false });
  if (!body.stream) {
    const open: OpenChat = (provider, call, attempt) => {
      const native = openAIChatProtocolFor(provider);
      if (!native) return openAnswer(provider, body, call, attempt, deps);
      const start = async (signal: AbortSignal) => openAIStreamChunks(provider.id, await native.streamChat(sent, { ...call, signal }));
      return openStream(provider.id, start, carriesContent, call, attempt, deps);
    };
    const streamed = assembled(open);
    const answer: AnswerChat = (provider, call, attempt) => {
      const native = openAIChatProtocolFor(provider);
      if (!native || !deps.limits.upstreamJson) return streamed(provider, call, attempt);
      return native.completeChat(sent, { ...call, headersTimeoutMs: wholeAnswerWithinMs(call, attempt, deps) });
    };
    return completeChat(routing, prompt, answer, deps);
  }
  const open = async (provider: ChatProvider, call: ProviderCall, attempt: Attempt): Promise<TryResult<Opened>> => {
    const native = openAIChatProtocolFor(provider);
    if (!native) {
      const { value, firstByteAt } = await openAnswer(provider, body, call, attempt, deps);
      return { value: { kind: 'translated', answer: value }, firstByteAt };
    }
    const { value, firstByteAt } = await openStream(provider.id, (signal) => native.streamChat(sent, { ...call, signal }), startsAnswer, call, attempt, deps);
    const watch = new OpenAIChunkWatch(provider.id, log);
    try {
      // A failure before the answer started is the attempt failing: the next model can still be tried.
      const leadSeen = value.lead.map((event) => watch.see(event));
      const last = value.lead.at(-1);
      if (!last || !startsAnswer(last)) throw streamEndedEarly(provider.id);
      return { value: { kind: 'native', answer: value, watch, leadSeen }, firstByteAt };
    } catch (error) {
      value.cancel();
      throw error;
    }
  };
  const routed = await runRouted<Opened>({ ...routing, mode: 'stream', tryModel: open }, deps);
  const headers = { ...routedHeaders(routed, request.requestId), ...(await routed.ledger.remainingHeaders()) };
  const opened = routed.value;
  if (opened.kind === 'translated') return chunkStream(routed, opened.answer, prompt, log, headers, deps);
  const { watch } = opened;
  const settle = settleOnce(routed, prompt, () => watch);
  return {
    kind: 'passthrough',
    body: passOpenAIStream(
      opened.answer,
      opened.leadSeen,
      watch,
      {
        includeUsage: body.stream_options?.include_usage === true,
        usageFields: () => (watch.usage ? settledUsageFields(routed.model, watch.usage, undefined, deps)?.usage : undefined),
        settle,
      },
      log,
      deps,
    ),
    cancel: () => {
      opened.answer.cancel();
      void settle();
    },
    headers,
  };
}

/**
 * A JSON answer's response head comes with the whole answer: it is given the time for the head
 * and for the first token together (within the request's deadline).
 */
function wholeAnswerWithinMs(call: ProviderCall, attempt: Attempt, deps: GatewayDeps): number {
  const thinkingMs = attempt.firstTokenTimeoutMs ?? deps.limits.firstTokenTimeoutMs;
  return Math.max(1, Math.min(call.headersTimeoutMs + thinkingMs, call.deadlineAt - deps.clock.now()));
}
