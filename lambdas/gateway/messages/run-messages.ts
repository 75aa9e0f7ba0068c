import { measureAnthropicPrompt } from '../../core/accounting/anthropic-prompt-measure.js';
import { messagesToolCallBound } from '../../core/accounting/builtin-tool-bound.js';
import { deliveredUsageEstimate, type PromptMeasure } from '../../core/accounting/usage-bound.js';
import { toOpenAIUsage } from '../../core/providers/anthropic/anthropic-usage.js';
import type { AnthropicUsage } from '../../core/providers/anthropic/anthropic-wire.js';
import { anthropicProtocolFor } from '../../core/providers/native-protocol.js';
import { streamEndedEarly } from '../../core/providers/upstream-error.js';
import { withoutLongContext } from '../../core/routing/model-aliases.js';
import type { AnthropicMessagesRequest } from '../../core/schemas/anthropic-messages-request.js';
import type { ChatCompletionRequest } from '../../core/schemas/openai-chat-request.js';
import type { Usage } from '../../core/schemas/openai-chat-response.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';
import type { ApiKeyRecord } from '../../ports/key-store.js';
import { knownSecrets, type GatewayDeps } from '../gateway-config.js';
import type { GatewayRequest } from '../gateway-http.js';
import { outputChars, type OpenedStream } from '../open-answer.js';
import type { RequestLogEntry } from '../request-log-entry.js';
import { passNativeStream } from '../pass-native-stream.js';
import { runNativeOrTranslated, withCostFields, type NativeOrTranslatedOutcome, type NativeProtocol, type NativeStreamAccount } from '../run-native-or-translated.js';
import type { UsageCostFields } from '../settled-usage-fields.js';
import { toAnthropicError } from './anthropic-error-body.js';
import { AnthropicMessageAssembler } from './assemble-anthropic-message.js';
import { encodeAnthropicStream } from './encode-anthropic-stream.js';
import { forwardedAnthropicHeaders } from './forwarded-anthropic-headers.js';
import { fromAnthropicRequest } from './from-anthropic-request.js';
import { NativeAnswerWatch, startsContent } from './native-answer-watch.js';
import { nativeMessagesBody } from './native-messages-body.js';
import { toAnthropicMessage } from './to-anthropic-message.js';

/**
 * Routes a Messages request like any other (aliases, policies, limits, failover), choosing per
 * attempt: a target that speaks Anthropic's protocol (Anthropic's API, or Claude on Bedrock
 * through InvokeModelWithResponseStream) gets the client's request as it came and
 * its events go back as they came (only the control events are read, for the log and the
 * ledger); any other gets the request translated (what cannot be carried is a 400 naming it).
 */
export function runMessages(
  body: AnthropicMessagesRequest,
  raw: Record<string, unknown>,
  key: ApiKeyRecord,
  log: RequestLogEntry,
  request: GatewayRequest,
  deps: GatewayDeps,
): Promise<NativeOrTranslatedOutcome> {
  const prompt = measureAnthropicPrompt(body, Buffer.byteLength(request.body));
  const headers = forwardedAnthropicHeaders(request.headers, withoutLongContext(body.model).longContext);
  const autoCache = body.requesty?.auto_cache === true;
  let translated: ChatCompletionRequest | undefined;
  let upstream: Record<string, unknown> | undefined;
  const protocol: NativeProtocol<NativeAnswerWatch> = {
    native: (provider, call, spendLimited) => {
      const native = anthropicProtocolFor(provider, call.model);
      if (!native) return undefined;
      const sent = (upstream ??= nativeMessagesBody(raw, { autoCache, spendLimited }));
      return (signal) => native.streamMessages(sent, headers, { ...call, signal });
    },
    watch: (provider) => new NativeAnswerWatch(provider.id, log, deps.clock),
    startsAnswer: startsContent,
    translated: () => (translated ??= fromAnthropicRequest(body)),
    readNative: readMessage,
    used: (whole) =>
      whole.kind === 'native'
        ? { usage: toOpenAIUsage((whole.answer.usage ?? {}) as AnthropicUsage), deliveredChars: 0 }
        : { usage: whole.completion.usage ?? undefined, deliveredChars: whole.completion.choices[0] ? outputChars(whole.completion.choices[0].message) : 0 },
    fromCompletion: (completion, fields) => withCostFields(toAnthropicMessage(completion, body.model), fields),
    encodeStream: (chunks) => encodeAnthropicStream(chunks, body.model, knownSecrets(deps)),
    passThrough,
    toldUsage: (watch) => (watch.usage ? toOpenAIUsage(watch.usage) : undefined),
    streamSettlement: (watch) => streamSettlement(watch, prompt),
  };
  const asked = { model: body.model, requesty: body.requesty, maxTokens: body.max_tokens, toolCalls: messagesToolCallBound(body.tools), prompt, stream: body.stream === true };
  return runNativeOrTranslated(protocol, asked, key, log, request, deps);
}

/** A native answer read to its end, as one message. */
async function readMessage(answer: OpenedStream<SseEvent>, watch: NativeAnswerWatch): Promise<Record<string, unknown>> {
  const assembler = new AnthropicMessageAssembler(watch.provider);
  // The watch saw the lead when the attempt opened.
  for (const event of answer.lead) assembler.add(event);
  for (let next = await answer.rest.next(); !next.done; next = await answer.rest.next()) {
    watch.see(next.value);
    assembler.add(next.value);
  }
  if (!watch.stopped && !watch.failure) throw streamEndedEarly(watch.provider);
  return assembler.result(watch.failure);
}

/** A stream is settled with Anthropic's usage when it came whole, else with what is known of it. */
function streamSettlement(watch: NativeAnswerWatch, prompt: PromptMeasure): { usage: Usage; estimated: boolean } {
  if (watch.stopped && watch.usage) return { usage: toOpenAIUsage(watch.usage), estimated: false };
  // Cut short: the input as message_start reported it (exact), the output from what was delivered.
  const estimate = deliveredUsageEstimate(prompt, { outputChars: watch.deltaChars });
  if (!watch.usage) return { usage: estimate, estimated: true };
  const input = toOpenAIUsage({ ...watch.usage, output_tokens: 0 });
  const output = Math.max(watch.usage.output_tokens ?? 0, estimate.completion_tokens);
  return { usage: { ...input, completion_tokens: output, total_tokens: input.prompt_tokens + output }, estimated: true };
}

const encoded = (event: SseEvent) => `event: ${event.event ?? 'message'}\ndata: ${event.data}\n\n`;
const ping = 'event: ping\ndata: {"type": "ping"}\n\n';

/**
 * Anthropic's events to the client as they came, with a ping while the model is silent; the
 * message_delta carries the gateway's cost fields besides Anthropic's usage. A failure after the
 * start ends the stream with an `error` event (the upstream's own, or the gateway's), never silently.
 */
function passThrough(
  answer: OpenedStream<SseEvent>,
  watch: NativeAnswerWatch,
  account: NativeStreamAccount,
  log: RequestLogEntry,
  deps: GatewayDeps,
): AsyncIterable<string> {
  return passNativeStream(answer, watch, account, log, deps, {
    keepAlive: ping,
    leadType: (event) => event.event ?? '',
    errorEvent: (error) => errorEvent(error, deps),
    relay: (type, event, fields) => (type === 'message_delta' ? withUsageFields(event, fields()) : encoded(event)),
  });
}

function errorEvent(error: unknown, deps: GatewayDeps): string {
  return `event: error\ndata: ${JSON.stringify(toAnthropicError(error, knownSecrets(deps)).body)}\n\n`;
}

function withUsageFields(event: SseEvent, fields: UsageCostFields | undefined): string {
  if (!fields) return encoded(event);
  const data = JSON.parse(event.data) as { usage?: Record<string, unknown> };
  return encoded({ event: event.event, data: JSON.stringify({ ...data, usage: { ...data.usage, ...fields } }) });
}
