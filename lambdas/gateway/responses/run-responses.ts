import { responsesToolCallBound } from '../../core/accounting/builtin-tool-bound.js';
import { measureResponsesPrompt } from '../../core/accounting/responses-prompt-measure.js';
import { deliveredUsageEstimate } from '../../core/accounting/usage-bound.js';
import { streamEndedEarly } from '../../core/providers/upstream-error.js';
import type { ChatCompletionRequest } from '../../core/schemas/openai-chat-request.js';
import type { ResponsesRequest } from '../../core/schemas/openai-responses-request.js';
import type { RequestyExtension } from '../../core/schemas/requesty-extension.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';
import type { ApiKeyRecord } from '../../ports/key-store.js';
import { knownSecrets, type GatewayDeps } from '../gateway-config.js';
import type { GatewayRequest } from '../gateway-http.js';
import { outputChars, type OpenedStream } from '../open-answer.js';
import type { RequestLogEntry } from '../request-log-entry.js';
import { runNativeOrTranslated, type NativeOrTranslatedOutcome, type NativeProtocol } from '../run-native-or-translated.js';
import { encodeResponsesStream } from './encode-responses-stream.js';
import { fromResponsesRequest } from './from-responses-request.js';
import { nativeResponsesBody } from './native-responses-body.js';
import { NativeResponsesWatch, startsOutput } from './native-responses-watch.js';
import { passThroughResponses } from './pass-through-responses.js';
import { itemId, toResponsesObject } from './to-responses-object.js';

/**
 * Routes a Responses request like any other (aliases, policies, limits, failover), choosing per
 * attempt: a target that serves the Responses API itself (OpenAI, Azure OpenAI) gets the
 * client's request as it came, stored-state fields included, and its events go back as they came
 * (only the control events are read, for the log and the ledger); any other gets the request
 * translated to a chat request, and what that cannot carry (previous_response_id, built-in
 * tools) fails that attempt with a 400 naming the field, so a policy moves on to a target that can.
 */
export function runResponses(
  body: ResponsesRequest,
  raw: Record<string, unknown>,
  requesty: RequestyExtension | undefined,
  key: ApiKeyRecord,
  log: RequestLogEntry,
  request: GatewayRequest,
  deps: GatewayDeps,
): Promise<NativeOrTranslatedOutcome> {
  const prompt = measureResponsesPrompt(body, Buffer.byteLength(request.body));
  const ids = { responseId: itemId('resp'), createdAt: Math.floor(deps.clock.now() / 1000) };
  const told = (watch: NativeResponsesWatch) => watch.usage;
  let translated: ChatCompletionRequest | undefined;
  let upstream: Record<string, unknown> | undefined;
  const protocol: NativeProtocol<NativeResponsesWatch> = {
    native: (provider, call, spendLimited) => {
      const native = provider.responsesProtocol;
      if (!native) return undefined;
      const sent = (upstream ??= nativeResponsesBody(raw, spendLimited));
      return (signal) => native.streamResponses(sent, { ...call, signal });
    },
    watch: (provider) => new NativeResponsesWatch(provider.id, log, deps.clock),
    startsAnswer: startsOutput,
    translated: () => (translated ??= { ...fromResponsesRequest(body), requesty }),
    readNative: readResponse,
    used: (whole) =>
      whole.kind === 'native'
        ? { usage: told(whole.watch), deliveredChars: whole.watch.deltaChars }
        : { usage: whole.completion.usage ?? undefined, deliveredChars: whole.completion.choices.reduce((sum, choice) => sum + outputChars(choice.message), 0) },
    fromCompletion: (completion, fields) => toResponsesObject(fields && completion.usage ? { ...completion, usage: { ...completion.usage, ...fields } } : completion, body, ids),
    // A translated answer goes out under the gateway's own response id.
    answerId: ids.responseId,
    encodeStream: (chunks) => encodeResponsesStream(chunks, body, ids, knownSecrets(deps)),
    passThrough: passThroughResponses,
    toldUsage: told,
    streamSettlement: (watch) => {
      const usage = told(watch);
      return { usage: usage ?? deliveredUsageEstimate(prompt, { outputChars: watch.deltaChars }), estimated: !usage };
    },
  };
  const asked = { model: body.model, requesty, maxTokens: body.max_output_tokens ?? undefined, toolCalls: responsesToolCallBound(body), prompt, stream: body.stream === true };
  return runNativeOrTranslated(protocol, asked, key, log, request, deps);
}

/** A native answer read to its end: the `response` of its terminal event, as the upstream sent it. */
async function readResponse(answer: OpenedStream<SseEvent>, watch: NativeResponsesWatch): Promise<Record<string, unknown>> {
  // The lead was read when the attempt opened.
  for (let next = await answer.rest.next(); !next.done; next = await answer.rest.next()) watch.see(next.value);
  if (watch.failure) throw watch.failure;
  if (!watch.finished) throw streamEndedEarly(watch.provider);
  return watch.finished.response;
}
