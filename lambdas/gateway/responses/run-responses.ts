import { measureResponsesPrompt } from '../../core/accounting/responses-prompt-measure.js';
import { deliveredUsageEstimate, usageBound, type PromptMeasure } from '../../core/accounting/usage-bound.js';
import { fromResponsesUsage } from '../../core/providers/openai/responses-usage.js';
import type { ChatProvider, ProviderCall } from '../../core/providers/provider.js';
import { streamEndedEarly } from '../../core/providers/upstream-error.js';
import type { Attempt } from '../../core/routing/plan-attempts.js';
import type { ChatCompletionRequest } from '../../core/schemas/openai-chat-request.js';
import type { ChatCompletion, Usage } from '../../core/schemas/openai-chat-response.js';
import type { ResponsesRequest } from '../../core/schemas/openai-responses-request.js';
import type { RequestyExtension } from '../../core/schemas/requesty-extension.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';
import type { ApiKeyRecord } from '../../ports/key-store.js';
import { knownSecrets, type GatewayDeps } from '../gateway-config.js';
import type { GatewayRequest } from '../gateway-http.js';
import { withKeepAlive } from '../keep-alive.js';
import { outputChars, type OpenedStream } from '../open-answer.js';
import type { RequestLogEntry } from '../request-log-entry.js';
import { chunksOf, readCompletion, streamAccount } from '../run-chat.js';
import { routedHeaders, runRouted, type Routed, type RoutedRequest } from '../run-routed.js';
import { settledUsageFields } from '../settled-usage-fields.js';
import { streamOutcome, type StreamOutcome } from '../stream-outcome.js';
import { encodeResponsesStream } from './encode-responses-stream.js';
import { fromResponsesRequest } from './from-responses-request.js';
import { nativeResponsesBody } from './native-responses-body.js';
import { NativeResponsesWatch, startsOutput } from './native-responses-watch.js';
import { openNativeOrTranslated, type NativeOrTranslated, type NativeRoute } from '../open-native-or-translated.js';
import { passThroughResponses } from './pass-through-responses.js';
import { itemId, toResponsesObject } from './to-responses-object.js';

/** A served /v1/responses request, in the Responses API's shapes. */
export type ResponsesOutcome = { kind: 'complete'; response: Record<string, unknown>; headers: Record<string, string> } | StreamOutcome;

/** One attempt's answer: the Responses API's own events from a target that serves it, OpenAI chunks from any other. */
type Opened = NativeOrTranslated<NativeResponsesWatch>;
type Whole = { kind: 'native'; response: Record<string, unknown>; watch: NativeResponsesWatch } | { kind: 'translated'; completion: ChatCompletion };

/**
 * Routes a Responses request like any other (aliases, policies, limits, failover), choosing per
 * attempt: a target that serves the Responses API itself (OpenAI, Azure OpenAI) gets the
 * client's request as it came, stored-state fields included, and its events go back as they came
 * (only the control events are read, for the log and the ledger); any other gets the request
 * translated to a chat request, and what that cannot carry (previous_response_id, built-in
 * tools) fails that attempt with a 400 naming the field, so a policy moves on to a target that can.
 */
export async function runResponses(
  body: ResponsesRequest,
  raw: Record<string, unknown>,
  requesty: RequestyExtension | undefined,
  key: ApiKeyRecord,
  log: RequestLogEntry,
  request: GatewayRequest,
  deps: GatewayDeps,
): Promise<ResponsesOutcome> {
  const prompt = measureResponsesPrompt(body, Buffer.byteLength(request.body));
  let translated: ChatCompletionRequest | undefined;
  let upstream: Record<string, unknown> | undefined;
  const route: NativeRoute<NativeResponsesWatch> = {
    native: (provider, call) => {
      const native = provider.responsesProtocol;
      if (!native) return undefined;
      const sent = (upstream ??= nativeResponsesBody(raw));
      return (signal) => native.streamResponses(sent, { ...call, signal });
    },
    watch: (provider) => new NativeResponsesWatch(provider.id, log, deps.clock),
    startsAnswer: startsOutput,
    translated: () => (translated ??= { ...fromResponsesRequest(body), requesty }),
  };
  const open = (provider: ChatProvider, call: ProviderCall, attempt: Attempt) => openNativeOrTranslated(route, provider, call, attempt, deps);
  const routing: Omit<RoutedRequest<unknown>, 'mode' | 'tryModel'> = {
    log,
    model: body.model,
    key,
    requestId: request.requestId,
    requesty,
    bound: (model, entry) => usageBound(prompt, { maxTokens: body.max_output_tokens ?? undefined, choices: 1 }, model, entry),
    clientSignal: request.clientSignal,
  };
  const ids = { responseId: itemId('resp'), createdAt: Math.floor(deps.clock.now() / 1000) };
  if (body.stream) {
    const routed = await runRouted<Opened>({ ...routing, mode: 'stream', tryModel: open }, deps);
    return streamed(routed, body, ids, prompt, log, request.requestId, deps);
  }
  const routed = await runRouted<Whole>(
    {
      ...routing,
      mode: 'complete',
      tryModel: async (provider, call, attempt) => {
        const { value: opened } = await open(provider, call, attempt);
        const whole: Whole =
          opened.kind === 'native'
            ? { kind: 'native', response: await readResponse(opened.answer, opened.watch), watch: opened.watch }
            : { kind: 'translated', completion: await readCompletion(opened.answer) };
        return { value: whole, firstByteAt: deps.clock.now() };
      },
    },
    deps,
  );
  return complete(routed, body, ids, prompt, log, request.requestId, deps);
}

type Ids = { responseId: string; createdAt: number };

/** A native answer read to its end: the `response` of its terminal event, as the upstream sent it. */
async function readResponse(answer: OpenedStream<SseEvent>, watch: NativeResponsesWatch): Promise<Record<string, unknown>> {
  try {
    // The lead was read when the attempt opened.
    for (let next = await answer.rest.next(); !next.done; next = await answer.rest.next()) watch.see(next.value);
    if (watch.failure) throw watch.failure;
    if (!watch.finished) throw streamEndedEarly(watch.provider);
    return watch.finished.response;
  } catch (error) {
    answer.cancel();
    throw error;
  }
}

async function complete(routed: Routed<Whole>, body: ResponsesRequest, ids: Ids, prompt: PromptMeasure, log: RequestLogEntry, requestId: string, deps: GatewayDeps): Promise<ResponsesOutcome> {
  const whole = routed.value;
  let usage: Usage | undefined;
  let delivered = 0;
  if (whole.kind === 'native') {
    whole.watch.answering();
    usage = whole.watch.usage ? fromResponsesUsage(whole.watch.usage) : undefined;
    delivered = whole.watch.deltaChars;
  } else {
    log.completion(whole.completion);
    log.answerId(ids.responseId);
    usage = whole.completion.usage ?? undefined;
    delivered = whole.completion.choices.reduce((sum, choice) => sum + outputChars(choice.message), 0);
  }
  const { cost, charged } = await routed.ledger.settle(routed.model, usage ?? deliveredUsageEstimate(prompt, { outputChars: delivered }), !usage);
  const headers = { ...routedHeaders(routed, requestId), ...(await routed.ledger.remainingHeaders(charged)) };
  const fields = usage && cost !== undefined ? settledUsageFields(routed.model, usage, cost, deps) : undefined;
  const withCost = { ...headers, ...fields?.headers };
  if (whole.kind === 'native') {
    const response = whole.response;
    return { kind: 'complete', response: fields ? { ...response, usage: { ...(response.usage as Record<string, unknown>), ...fields.usage } } : response, headers: withCost };
  }
  const completion = fields && usage ? { ...whole.completion, usage: { ...usage, ...fields.usage } } : whole.completion;
  return { kind: 'complete', response: toResponsesObject(completion, body, ids), headers: withCost };
}

async function streamed(routed: Routed<Opened>, body: ResponsesRequest, ids: Ids, prompt: PromptMeasure, log: RequestLogEntry, requestId: string, deps: GatewayDeps): Promise<ResponsesOutcome> {
  const opened = routed.value;
  const headers = { ...routedHeaders(routed, requestId), ...(await routed.ledger.remainingHeaders()) };
  if (opened.kind === 'translated') {
    log.answerId(ids.responseId);
    const account = streamAccount(routed, prompt, log, deps);
    const items = account.counted(withKeepAlive(chunksOf(opened.answer), deps.limits.keepAliveMs));
    return streamOutcome(encodeResponsesStream(items, body, ids, knownSecrets(deps)), opened.answer, account, headers);
  }
  opened.watch.answering();
  const account = nativeStreamAccount(routed, opened.watch, prompt, deps);
  return streamOutcome(passThroughResponses(opened.answer, opened.watch, account, log, deps), opened.answer, account, headers);
}

/** Settled once however the stream ends: with the usage of its terminal event, else with an estimate of what was delivered. */
function nativeStreamAccount(routed: Routed<Opened>, watch: NativeResponsesWatch, prompt: PromptMeasure, deps: GatewayDeps) {
  let settled: Promise<unknown> | undefined;
  return {
    settle: () => {
      const usage = watch.usage ? fromResponsesUsage(watch.usage) : undefined;
      return (settled ??= routed.ledger.settle(routed.model, usage ?? deliveredUsageEstimate(prompt, { outputChars: watch.deltaChars }), !usage));
    },
    /** The usage fields the gateway adds to the terminal event's usage (cost, cache saving), once it is known. */
    fields: () => (watch.usage ? settledUsageFields(routed.model, fromResponsesUsage(watch.usage), undefined, deps)?.usage : undefined),
  };
}
