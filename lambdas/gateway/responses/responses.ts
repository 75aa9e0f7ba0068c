import { withCapturedHeaders } from '../../core/request-log/captured-headers.js';
import { responsesRequestSchema } from '../../core/schemas/openai-responses-request.js';
import { jsonStart } from '../chat-completions.js';
import { knownSecrets, type GatewayDeps } from '../gateway-config.js';
import { jsonResponse, sseHeaders, type GatewayRequest, type GatewayResponse } from '../gateway-http.js';
import { loggedRoute, toolNames } from '../logged-route.js';
import { toOpenAIError } from '../openai-error-body.js';
import { parseBody } from '../parse-body.js';
import { respondInTime, type EarlyStart } from '../respond-in-time.js';
import { runChat } from '../run-chat.js';
import { encodeResponsesStream } from './encode-responses-stream.js';
import { fromResponsesRequest } from './from-responses-request.js';
import { itemId, toResponsesObject } from './to-responses-object.js';

/**
 * POST /v1/responses: OpenAI's Responses API on top of the same keys, routing and providers
 * (every provider, OpenAI's included, is reached through the canonical chat request), answering
 * in the Responses object or its typed stream events. Errors keep OpenAI's shape.
 */
export function responses(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  return loggedRoute(request, deps, 'responses', toOpenAIError, async ({ key, log, failure }) => {
    const body = parseBody(request.body, responsesRequestSchema);
    const translated = fromResponsesRequest(body);
    const chat = { ...translated, requesty: withCapturedHeaders(translated.requesty, request.headers, deps.capturedHeaders) };
    log.askedFor({ model: body.model, stream: body.stream === true, requesty: chat.requesty, toolsOffered: toolNames(chat) });
    const ids = { responseId: itemId('resp'), createdAt: Math.floor(deps.clock.now() / 1000) };
    log.answerId(ids.responseId);
    const work = runChat(chat, key, log, request, deps).then(
      (outcome): GatewayResponse =>
        outcome.kind === 'complete'
          ? jsonResponse(200, toResponsesObject(outcome.completion, body, ids), outcome.headers)
          : {
              status: 200,
              headers: { ...sseHeaders, ...outcome.headers },
              body: encodeResponsesStream(outcome.items, body, ids, knownSecrets(deps)),
              cancel: outcome.cancel,
            },
      failure,
    );
    return respondInTime(work, body.stream ? responsesStreamStart(request.requestId) : jsonStart(request.requestId), deps.limits);
  });
}

/** A Responses stream started early: SSE comments meanwhile, a failure as the `error` event the SDKs raise. */
function responsesStreamStart(requestId: string): EarlyStart {
  return {
    headers: { ...sseHeaders, 'x-request-id': requestId },
    filler: ': keep-alive\n\n',
    lateFailure: (failure) => `event: error\ndata: ${JSON.stringify({ type: 'error', ...(JSON.parse(failure.body) as object) })}\n\n`,
  };
}
