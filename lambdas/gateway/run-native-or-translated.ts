import { deliveredUsageEstimate, usageBound, type PromptMeasure } from '../core/accounting/usage-bound.js';
import type { ChatProvider, ProviderCall } from '../core/providers/provider.js';
import type { Attempt } from '../core/routing/plan-attempts.js';
import type { BuiltinToolCalls, ChatCompletion, Usage } from '../core/schemas/openai-chat-response.js';
import type { RequestyExtension } from '../core/schemas/requesty-extension.js';
import type { SseEvent } from '../core/sse/parse-sse.js';
import type { ApiKeyRecord } from '../ports/key-store.js';
import type { UsageBound } from './accounting.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, sseHeaders, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import type { StreamItem } from './keep-alive.js';
import type { NativeWatch } from './native-watch.js';
import type { OpenedStream } from './open-answer.js';
import { openNativeOrTranslated, type NativeOrTranslated, type NativeRoute } from './open-native-or-translated.js';
import type { RequestLogEntry } from './request-log-entry.js';
import { chunkStream, readCompletion, type Routing } from './run-chat.js';
import { routedHeaders, runRouted, type Routed } from './run-routed.js';
import { settledUsageFields, type UsageCostFields } from './settled-usage-fields.js';
import { streamOutcome, type StreamOutcome } from './stream-outcome.js';

/** A served request of a route that passes its own protocol through: its whole answer in the client's shape, or its stream. */
export type NativeOrTranslatedOutcome = { kind: 'complete'; answer: Record<string, unknown>; headers: Record<string, string> } | StreamOutcome;

/** One attempt's answer read to its end: the upstream's own from a native target, a completion from any other. */
export type WholeAnswer<W> = { kind: 'native'; answer: Record<string, unknown>; watch: W } | { kind: 'translated'; completion: ChatCompletion };

/** A native stream's settlement, once however it ends, and the cost fields its usage event carries once the usage is whole. */
export interface NativeStreamAccount {
  settle: () => Promise<unknown>;
  fields: () => UsageCostFields | undefined;
}

/**
 * What a route passing its own protocol through (/v1/messages, /v1/responses) says besides how it
 * reaches a target: how a native answer is read and accounted, and how a translated one is encoded.
 */
export interface NativeProtocol<W extends NativeWatch> extends NativeRoute<W> {
  /** The events after a native answer's lead, read to its end: the answer as the upstream sent it; throws what failed. */
  readNative(answer: OpenedStream<SseEvent>, watch: W): Promise<Record<string, unknown>>;
  /** What a whole answer used, as its ledger is settled: its usage if it told it, and the output it delivered (for an estimate). */
  used(whole: WholeAnswer<W>): { usage: Usage | undefined; deliveredChars: number };
  /** A translated completion as the client's whole answer, the gateway's cost fields in its usage. */
  fromCompletion(completion: ChatCompletion, fields: UsageCostFields | undefined): Record<string, unknown>;
  /** The gateway's own id a translated answer goes out under, for the request log, if the protocol gives it one. */
  answerId?: string;
  /** A translated answer's chunks in the client's stream format. */
  encodeStream(chunks: AsyncIterable<StreamItem>): AsyncIterable<string>;
  /** A native stream to the client as it came; settles the account when it ends. */
  passThrough(answer: OpenedStream<SseEvent>, watch: W, account: NativeStreamAccount, log: RequestLogEntry, deps: GatewayDeps): AsyncIterable<string>;
  /** The usage a native stream has told so far, in OpenAI's terms (what its cost fields are priced from). */
  toldUsage(watch: W): Usage | undefined;
  /** What a native stream is settled with however it ended: its usage, or an estimate of it. */
  streamSettlement(watch: W): { usage: Usage; estimated: boolean };
}

/**
 * What routing needs of the client's request, whatever its protocol: with the prompt, `maxTokens`
 * (the most output it allows) and `toolCalls` (the most built-in tool calls it allows) bound the hold.
 */
export type NativeOrTranslatedAsk = {
  model: string;
  requesty: RequestyExtension | undefined;
  maxTokens: number | undefined;
  toolCalls: BuiltinToolCalls;
  prompt: PromptMeasure;
  stream: boolean;
};

/**
 * Routes a request like any other (aliases, policies, limits, failover), opening each attempt
 * natively or translated as the protocol says (open-native-or-translated.ts), and answers it
 * whole or streamed; the protocol says only what differs between the APIs.
 */
export async function runNativeOrTranslated<W extends NativeWatch>(
  protocol: NativeProtocol<W>,
  asked: NativeOrTranslatedAsk,
  key: ApiKeyRecord,
  log: RequestLogEntry,
  request: GatewayRequest,
  deps: GatewayDeps,
): Promise<NativeOrTranslatedOutcome> {
  const { model, requesty, maxTokens, toolCalls, prompt } = asked;
  const bound: UsageBound = (candidate, entry) => usageBound(prompt, { maxTokens, choices: 1, toolCalls }, candidate, entry);
  const routing: Routing = { log, model, key, requestId: request.requestId, requesty, bound, clientSignal: request.clientSignal };
  const open = (provider: ChatProvider, call: ProviderCall, attempt: Attempt, spendLimited: boolean) =>
    openNativeOrTranslated(protocol, provider, call, attempt, spendLimited, deps);
  if (asked.stream) {
    const routed = await runRouted<NativeOrTranslated<W>>({ ...routing, mode: 'stream', tryModel: open }, deps);
    return streamed(routed, protocol, prompt, log, request.requestId, deps);
  }
  const routed = await runRouted<WholeAnswer<W>>(
    {
      ...routing,
      mode: 'complete',
      tryModel: async (provider, call, attempt, spendLimited) => {
        const { value: opened } = await open(provider, call, attempt, spendLimited);
        const whole: WholeAnswer<W> =
          opened.kind === 'native'
            ? { kind: 'native', answer: await readNative(protocol, opened.answer, opened.watch), watch: opened.watch }
            : { kind: 'translated', completion: await readCompletion(opened.answer) };
        return { value: whole, firstByteAt: deps.clock.now() };
      },
    },
    deps,
  );
  return answerWhole(routed, protocol, prompt, log, request.requestId, deps);
}

/** The outcome as the HTTP response: JSON, or the server-sent events of the stream. */
export function outcomeResponse(outcome: NativeOrTranslatedOutcome): GatewayResponse {
  return outcome.kind === 'complete'
    ? jsonResponse(200, outcome.answer, outcome.headers)
    : { status: 200, headers: { ...sseHeaders, ...outcome.headers }, body: outcome.body, cancel: outcome.cancel };
}

/** A native answer read to its end; a failure cancels it and is thrown, so the next model can be tried. */
async function readNative<W extends NativeWatch>(protocol: NativeProtocol<W>, answer: OpenedStream<SseEvent>, watch: W): Promise<Record<string, unknown>> {
  try {
    return await protocol.readNative(answer, watch);
  } catch (error) {
    answer.cancel();
    throw error;
  }
}

/** The whole answer: the log told whose it is, the ledger settled with its usage (else an estimate), its cost in its usage and headers. */
async function answerWhole<W extends NativeWatch>(routed: Routed<WholeAnswer<W>>, protocol: NativeProtocol<W>, prompt: PromptMeasure, log: RequestLogEntry, requestId: string, deps: GatewayDeps): Promise<NativeOrTranslatedOutcome> {
  const whole = routed.value;
  if (whole.kind === 'native') whole.watch.answering();
  else {
    log.completion(whole.completion);
    if (protocol.answerId) log.answerId(protocol.answerId);
  }
  const { usage, deliveredChars } = protocol.used(whole);
  const { cost, charged } = await routed.ledger.settle(routed.model, usage ?? deliveredUsageEstimate(prompt, { outputChars: deliveredChars }), !usage);
  const headers = { ...routedHeaders(routed, requestId), ...(await routed.ledger.remainingHeaders(charged)) };
  const fields = usage && cost !== undefined ? settledUsageFields(routed.model, usage, cost, deps) : undefined;
  const answer = whole.kind === 'native' ? withCostFields(whole.answer, fields?.usage) : protocol.fromCompletion(whole.completion, fields?.usage);
  return { kind: 'complete', answer, headers: { ...headers, ...fields?.headers } };
}

/** An answer whose `usage` also carries the gateway's cost fields, when the model is priced. */
export function withCostFields(answer: Record<string, unknown>, fields: UsageCostFields | undefined): Record<string, unknown> {
  return fields ? { ...answer, usage: { ...(answer.usage as Record<string, unknown>), ...fields } } : answer;
}

async function streamed<W extends NativeWatch>(routed: Routed<NativeOrTranslated<W>>, protocol: NativeProtocol<W>, prompt: PromptMeasure, log: RequestLogEntry, requestId: string, deps: GatewayDeps): Promise<StreamOutcome> {
  const opened = routed.value;
  const headers = { ...routedHeaders(routed, requestId), ...(await routed.ledger.remainingHeaders()) };
  if (opened.kind === 'translated') {
    if (protocol.answerId) log.answerId(protocol.answerId);
    const { items, cancel } = chunkStream(routed, opened.answer, prompt, log, headers, deps);
    return { kind: 'stream', body: protocol.encodeStream(items), cancel, headers };
  }
  opened.watch.answering();
  const account = nativeStreamAccount(routed, opened.watch, protocol, deps);
  return streamOutcome(protocol.passThrough(opened.answer, opened.watch, account, log, deps), opened.answer, account, headers);
}

function nativeStreamAccount<W extends NativeWatch>(routed: Routed<unknown>, watch: W, protocol: NativeProtocol<W>, deps: GatewayDeps): NativeStreamAccount {
  let settled: Promise<unknown> | undefined;
  return {
    settle: () => {
      if (settled) return settled;
      const { usage, estimated } = protocol.streamSettlement(watch);
      return (settled = routed.ledger.settle(routed.model, usage, estimated));
    },
    fields: () => {
      const usage = protocol.toldUsage(watch);
      return usage ? settledUsageFields(routed.model, usage, undefined, deps)?.usage : undefined;
    },
  };
}
