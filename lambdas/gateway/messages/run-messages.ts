import { measureAnthropicPrompt } from '../../core/accounting/anthropic-prompt-measure.js';
import { deliveredUsageEstimate, usageBound, type PromptMeasure } from '../../core/accounting/usage-bound.js';
import { toOpenAIUsage } from '../../core/providers/anthropic/anthropic-usage.js';
import { anthropicProtocolFor } from '../../core/providers/native-protocol.js';
import type { ChatProvider, ProviderCall } from '../../core/providers/provider.js';
import { streamEndedEarly } from '../../core/providers/upstream-error.js';
import { withoutLongContext } from '../../core/routing/model-aliases.js';
import type { Attempt } from '../../core/routing/plan-attempts.js';
import type { AnthropicMessagesRequest } from '../../core/schemas/anthropic-messages-request.js';
import type { ChatCompletionRequest } from '../../core/schemas/openai-chat-request.js';
import type { ChatCompletion, Usage } from '../../core/schemas/openai-chat-response.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';
import type { ApiKeyRecord } from '../../ports/key-store.js';
import { outputChars, type OpenedStream } from '../open-answer.js';
import { knownSecrets, type GatewayDeps } from '../gateway-config.js';
import type { GatewayRequest } from '../gateway-http.js';
import { keepAlive, withKeepAlive } from '../keep-alive.js';
import type { RequestLogEntry } from '../request-log-entry.js';
import { chunksOf, readCompletion, streamAccount } from '../run-chat.js';
import { routedHeaders, runRouted, type Routed, type RoutedRequest } from '../run-routed.js';
import { toAnthropicError } from './anthropic-error-body.js';
import { AnthropicMessageAssembler } from './assemble-anthropic-message.js';
import { encodeAnthropicStream } from './encode-anthropic-stream.js';
import { forwardedAnthropicHeaders } from './forwarded-anthropic-headers.js';
import { fromAnthropicRequest } from './from-anthropic-request.js';
import { withCacheBreakpoints } from '../../core/providers/anthropic/cache-breakpoints.js';
import { nativeMessagesBody } from './native-messages-body.js';
import { NativeAnswerWatch, startsContent } from './native-answer-watch.js';
import { openNativeOrTranslated, type NativeOrTranslated, type NativeRoute } from '../open-native-or-translated.js';
import { settledUsageFields, type UsageCostFields } from '../settled-usage-fields.js';
import { streamOutcome, type StreamOutcome } from '../stream-outcome.js';
import { toAnthropicMessage } from './to-anthropic-message.js';

/** A served /v1/messages request, in Anthropic's shapes. */
export type MessagesOutcome = { kind: 'complete'; message: Record<string, unknown>; headers: Record<string, string> } | StreamOutcome;

/** One attempt's answer: Anthropic's own events from an Anthropic-protocol target, OpenAI chunks from any other. */
type Opened = NativeOrTranslated<NativeAnswerWatch>;
type Whole = { kind: 'native'; message: Record<string, unknown>; watch: NativeAnswerWatch } | { kind: 'translated'; completion: ChatCompletion };

/**
 * Routes a Messages request like any other (aliases, policies, limits, failover), choosing per
 * attempt: a target that speaks Anthropic's protocol (Anthropic's API, or Claude on Bedrock
 * through InvokeModelWithResponseStream) gets the client's request as it came and
 * its events go back as they came (only the control events are read, for the log and the
 * ledger); any other gets the request translated (what cannot be carried is a 400 naming it).
 */
export async function runMessages(
  body: AnthropicMessagesRequest,
  raw: Record<string, unknown>,
  key: ApiKeyRecord,
  log: RequestLogEntry,
  request: GatewayRequest,
  deps: GatewayDeps,
): Promise<MessagesOutcome> {
  const prompt = measureAnthropicPrompt(body, Buffer.byteLength(request.body));
  const headers = forwardedAnthropicHeaders(request.headers, withoutLongContext(body.model).longContext);
  const autoCache = body.requesty?.auto_cache === true;
  let translated: ChatCompletionRequest | undefined;
  let upstream: Record<string, unknown> | undefined;
  const route: NativeRoute<NativeAnswerWatch> = {
    native: (provider, call) => {
      const native = anthropicProtocolFor(provider, call.model);
      if (!native) return undefined;
      const sent = (upstream ??= nativeMessagesBody(raw, autoCache ? withCacheBreakpoints : undefined));
      return (signal) => native.streamMessages(sent, headers, { ...call, signal });
    },
    watch: (provider) => new NativeAnswerWatch(provider.id, log, deps.clock),
    startsAnswer: startsContent,
    translated: () => (translated ??= fromAnthropicRequest(body)),
  };
  const open = (provider: ChatProvider, call: ProviderCall, attempt: Attempt) => openNativeOrTranslated(route, provider, call, attempt, deps);
  const routing: Omit<RoutedRequest<unknown>, 'mode' | 'tryModel'> = {
    log,
    model: body.model,
    key,
    requestId: request.requestId,
    requesty: body.requesty,
    bound: (model, entry) => usageBound(prompt, { maxTokens: body.max_tokens, choices: 1 }, model, entry),
    clientSignal: request.clientSignal,
  };
  if (body.stream) {
    const routed = await runRouted<Opened>({ ...routing, mode: 'stream', tryModel: open }, deps);
    return streamed(routed, body, prompt, log, request.requestId, deps);
  }
  const routed = await runRouted<Whole>(
    {
      ...routing,
      mode: 'complete',
      tryModel: async (provider, call, attempt) => {
        const { value: opened } = await open(provider, call, attempt);
        const whole: Whole =
          opened.kind === 'native'
            ? { kind: 'native', message: await readMessage(opened.answer, opened.watch), watch: opened.watch }
            : { kind: 'translated', completion: await readCompletion(opened.answer) };
        return { value: whole, firstByteAt: deps.clock.now() };
      },
    },
    deps,
  );
  return complete(routed, body, prompt, log, request.requestId, deps);
}

/** A native answer read to its end, as one message; a failure cancels it and is thrown, so the next model can be tried. */
async function readMessage(answer: OpenedStream<SseEvent>, watch: NativeAnswerWatch): Promise<Record<string, unknown>> {
  const assembler = new AnthropicMessageAssembler(watch.provider);
  try {
    // The watch saw the lead when the attempt opened.
    for (const event of answer.lead) assembler.add(event);
    for (let next = await answer.rest.next(); !next.done; next = await answer.rest.next()) {
      watch.see(next.value);
      assembler.add(next.value);
    }
    if (!watch.stopped && !watch.failure) throw streamEndedEarly(watch.provider);
    return assembler.result(watch.failure);
  } catch (error) {
    answer.cancel();
    throw error;
  }
}

async function complete(routed: Routed<Whole>, body: AnthropicMessagesRequest, prompt: PromptMeasure, log: RequestLogEntry, requestId: string, deps: GatewayDeps): Promise<MessagesOutcome> {
  const whole = routed.value;
  let usage: Usage | undefined;
  let message: Record<string, unknown>;
  if (whole.kind === 'native') {
    whole.watch.answering();
    message = whole.message;
    usage = toOpenAIUsage((message.usage ?? {}) as Parameters<typeof toOpenAIUsage>[0]);
  } else {
    log.completion(whole.completion);
    message = toAnthropicMessage(whole.completion, body.model);
    usage = whole.completion.usage ?? undefined;
  }
  const settledWith = usage ?? deliveredUsageEstimate(prompt, { outputChars: whole.kind === 'translated' ? (whole.completion.choices[0] ? outputChars(whole.completion.choices[0].message) : 0) : 0 });
  const { cost, charged } = await routed.ledger.settle(routed.model, settledWith, !usage);
  const headers = { ...routedHeaders(routed, requestId), ...(await routed.ledger.remainingHeaders(charged)) };
  const fields = usage && cost !== undefined ? settledUsageFields(routed.model, usage, cost, deps) : undefined;
  if (!fields) return { kind: 'complete', message, headers };
  return {
    kind: 'complete',
    message: { ...message, usage: { ...(message.usage as Record<string, unknown>), ...fields.usage } },
    headers: { ...headers, ...fields.headers },
  };
}

async function streamed(routed: Routed<Opened>, body: AnthropicMessagesRequest, prompt: PromptMeasure, log: RequestLogEntry, requestId: string, deps: GatewayDeps): Promise<MessagesOutcome> {
  const opened = routed.value;
  const headers = { ...routedHeaders(routed, requestId), ...(await routed.ledger.remainingHeaders()) };
  if (opened.kind === 'translated') {
    const account = streamAccount(routed, prompt, log, deps);
    const chunks = account.counted(withKeepAlive(chunksOf(opened.answer), deps.limits.keepAliveMs));
    return streamOutcome(encodeAnthropicStream(chunks, body.model, knownSecrets(deps)), opened.answer, account, headers);
  }
  opened.watch.answering();
  const account = nativeStreamAccount(routed, opened.watch, prompt, deps);
  return streamOutcome(passThrough(opened.answer, opened.watch, account, log, deps), opened.answer, account, headers);
}

/** Settled once however the stream ends: with Anthropic's usage when it came whole, else with what is known of it. */
function nativeStreamAccount(routed: Routed<Opened>, watch: NativeAnswerWatch, prompt: PromptMeasure, deps: GatewayDeps) {
  let settled: Promise<unknown> | undefined;
  const usage = (): { usage: Usage; estimated: boolean } => {
    if (watch.stopped && watch.usage) return { usage: toOpenAIUsage(watch.usage), estimated: false };
    // Cut short: the input as message_start reported it (exact), the output from what was delivered.
    const estimate = deliveredUsageEstimate(prompt, { outputChars: watch.deltaChars });
    if (!watch.usage) return { usage: estimate, estimated: true };
    const input = toOpenAIUsage({ ...watch.usage, output_tokens: 0 });
    const output = Math.max(watch.usage.output_tokens ?? 0, estimate.completion_tokens);
    return { usage: { ...input, completion_tokens: output, total_tokens: input.prompt_tokens + output }, estimated: true };
  };
  return {
    settle: () => {
      const { usage: settledWith, estimated } = usage();
      return (settled ??= routed.ledger.settle(routed.model, settledWith, estimated));
    },
    /** The usage fields the gateway adds to message_delta (cost, cache saving), once the usage is whole. */
    fields: () => (watch.usage ? settledUsageFields(routed.model, toOpenAIUsage(watch.usage), undefined, deps)?.usage : undefined),
  };
}

const encoded = (event: SseEvent) => `event: ${event.event ?? 'message'}\ndata: ${event.data}\n\n`;
const ping = 'event: ping\ndata: {"type": "ping"}\n\n';

/**
 * Anthropic's events to the client as they came, with a ping while the model is silent; the
 * message_delta carries the gateway's cost fields besides Anthropic's usage. A failure after the
 * start ends the stream with an `error` event (the upstream's own, or the gateway's), never silently.
 */
async function* passThrough(
  answer: OpenedStream<SseEvent>,
  watch: NativeAnswerWatch,
  account: ReturnType<typeof nativeStreamAccount>,
  log: RequestLogEntry,
  deps: GatewayDeps,
): AsyncGenerator<string> {
  try {
    let seen = 0;
    for await (const item of withKeepAlive(chunksOf(answer), deps.limits.keepAliveMs)) {
      if (item === keepAlive) {
        yield ping;
        continue;
      }
      // The lead was read when the attempt opened.
      const type = seen++ < answer.lead.length ? (item.event ?? '') : watch.see(item);
      // The upstream's own error, told as the gateway tells any: its text may quote a secret.
      if (type === 'error' && watch.failure) yield errorEvent(watch.failure, deps);
      else yield type === 'message_delta' ? withUsageFields(item, account.fields()) : encoded(item);
    }
    if (watch.failure) log.failed(watch.failure);
    else if (!watch.stopped) throw streamEndedEarly(watch.provider);
  } catch (error) {
    log.failed(error);
    yield errorEvent(error, deps);
  } finally {
    await account.settle();
  }
}

function errorEvent(error: unknown, deps: GatewayDeps): string {
  return `event: error\ndata: ${JSON.stringify(toAnthropicError(error, knownSecrets(deps)).body)}\n\n`;
}

function withUsageFields(event: SseEvent, fields: UsageCostFields | undefined): string {
  if (!fields) return encoded(event);
  const data = JSON.parse(event.data) as { usage?: Record<string, unknown> };
  return encoded({ event: event.event, data: JSON.stringify({ ...data, usage: { ...data.usage, ...fields } }) });
}
