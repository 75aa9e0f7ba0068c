import { chatCompletionRequestSchema } from '../core/schemas/openai-chat-request.js';
import { encodeOpenAIStream } from './encode-openai-stream.js';
import { knownSecrets, type GatewayDeps } from './gateway-config.js';
import { jsonResponse, sseHeaders, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { toOpenAIError } from './openai-error-body.js';
import { parseBodyWithRaw } from './parse-body.js';
import { loggedRoute, toolNames } from './logged-route.js';
import { respondInTime, type EarlyStart } from './respond-in-time.js';
import { runChatCompletions, type ChatCompletionsOutcome } from './chat-passthrough/run-chat-completions.js';
import { withDefaultAutoCache } from '../core/providers/default-auto-cache.js';
import { withCapturedHeaders } from '../core/request-log/captured-headers.js';

/** POST /v1/chat/completions */
export function chatCompletions(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  return loggedRoute(request, deps, 'chat', toOpenAIError, async ({ key, log, failure }) => {
    const { data: parsed, raw } = parseBodyWithRaw(request.body, chatCompletionRequestSchema);
    const body = { ...parsed, requesty: withCapturedHeaders(withDefaultAutoCache(parsed.requesty, request.headers), request.headers, deps.capturedHeaders) };
    log.askedFor({ model: body.model, stream: body.stream === true, requesty: body.requesty, toolsOffered: toolNames(body) });
    const includeUsage = body.stream_options?.include_usage === true;
    const work = runChatCompletions(body, raw as Record<string, unknown>, key, log, request, deps).then(
      (outcome) => chatResponse(outcome, includeUsage, deps),
      failure,
    );
    return respondInTime(work, body.stream ? openAIStreamStart(request.requestId) : jsonStart(request.requestId), deps.limits);
  });
}

function chatResponse(outcome: ChatCompletionsOutcome, includeUsage: boolean, deps: GatewayDeps): GatewayResponse {
  if (outcome.kind === 'complete') return jsonResponse(200, outcome.completion, outcome.headers);
  const body = outcome.kind === 'passthrough' ? outcome.body : encodeOpenAIStream(outcome.items, { includeUsage, knownSecrets: knownSecrets(deps) });
  return { status: 200, headers: { ...sseHeaders, ...outcome.headers }, body, cancel: outcome.cancel };
}

/** An OpenAI stream started early: SSE comments meanwhile, a failure as the `error` event the SDKs raise. */
export function openAIStreamStart(requestId: string): EarlyStart {
  return {
    headers: { ...sseHeaders, 'x-request-id': requestId },
    filler: ': keep-alive\n\n',
    lateFailure: (failure) => `data: ${failure.body}\n\n`,
  };
}

/** A JSON answer started early: whitespace meanwhile (JSON parsers skip it), then the answer or the error object. */
export function jsonStart(requestId: string): EarlyStart {
  return { headers: { 'content-type': 'application/json', 'x-request-id': requestId }, filler: '\n', lateFailure: (failure) => failure.body };
}
