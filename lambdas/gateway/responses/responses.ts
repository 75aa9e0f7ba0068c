import { withCapturedHeaders } from '../../core/request-log/captured-headers.js';
import { responsesRequestSchema, type ResponsesRequest } from '../../core/schemas/openai-responses-request.js';
import { jsonStart } from '../chat-completions.js';
import type { GatewayDeps } from '../gateway-config.js';
import { sseHeaders, type GatewayRequest, type GatewayResponse } from '../gateway-http.js';
import { loggedRoute } from '../logged-route.js';
import { toOpenAIError } from '../openai-error-body.js';
import { parseBodyWithRaw } from '../parse-body.js';
import { respondInTime, type EarlyStart } from '../respond-in-time.js';
import { outcomeResponse } from '../run-native-or-translated.js';
import { runResponses } from './run-responses.js';

/**
 * POST /v1/responses: OpenAI's Responses API on top of the same keys, routing and providers,
 * answering in the Responses object or its typed stream events. OpenAI and Azure OpenAI get the
 * request untranslated; every other provider through the canonical chat request
 * (run-responses.ts). Errors keep OpenAI's shape.
 */
export function responses(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  return loggedRoute(request, deps, 'responses', toOpenAIError, async ({ key, log, failure }) => {
    const { data: body, raw } = parseBodyWithRaw(request.body, responsesRequestSchema);
    const requesty = withCapturedHeaders(body.requesty, request.headers, deps.capturedHeaders);
    log.askedFor({ model: body.model, stream: body.stream === true, requesty, toolsOffered: offeredTools(body) });
    const work = runResponses(body, raw as Record<string, unknown>, requesty, key, log, request, deps).then(outcomeResponse, failure);
    return respondInTime(work, body.stream ? responsesStreamStart(request.requestId) : jsonStart(request.requestId), deps.limits);
  });
}

/** The tools a request offers, for the request log: functions by name, built-in tools by type (`web_search`). */
function offeredTools(body: ResponsesRequest): string[] {
  return (body.tools ?? []).map((tool) => ('name' in tool && typeof tool.name === 'string' ? tool.name : tool.type));
}

/** A Responses stream started early: SSE comments meanwhile, a failure as the `error` event the SDKs raise. */
function responsesStreamStart(requestId: string): EarlyStart {
  return {
    headers: { ...sseHeaders, 'x-request-id': requestId },
    filler: ': keep-alive\n\n',
    lateFailure: (failure) => `event: error\ndata: ${JSON.stringify({ type: 'error', ...(JSON.parse(failure.body) as object) })}\n\n`,
  };
}
