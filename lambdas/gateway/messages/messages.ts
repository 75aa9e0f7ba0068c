import { withCapturedHeaders } from '../../core/request-log/captured-headers.js';
import { anthropicMessagesRequestSchema } from '../../core/schemas/anthropic-messages-request.js';
import { jsonStart } from '../chat-completions.js';
import type { GatewayDeps } from '../gateway-config.js';
import { sseHeaders, type GatewayRequest, type GatewayResponse } from '../gateway-http.js';
import { parseBodyWithRaw } from '../parse-body.js';
import { loggedRoute } from '../logged-route.js';
import { respondInTime, type EarlyStart } from '../respond-in-time.js';
import { errorResponse } from '../route-request.js';
import { toAnthropicError } from './anthropic-error-body.js';
import { outcomeResponse } from '../run-native-or-translated.js';
import { runMessages } from './run-messages.js';

/**
 * POST /v1/messages: Anthropic's Messages API on top of the same keys, routing and providers,
 * answering (errors included) in Anthropic's shapes; Anthropic-protocol targets get the request
 * untranslated (run-messages.ts).
 */
export async function messages(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  try {
    return await loggedRoute(request, deps, 'messages', toAnthropicError, async ({ key, log, failure }) => {
      const { data, raw } = parseBodyWithRaw(request.body, anthropicMessagesRequestSchema);
      const body = { ...data, requesty: withCapturedHeaders(data.requesty, request.headers, deps.capturedHeaders) };
      log.askedFor({ model: body.model, stream: body.stream === true, requesty: body.requesty, toolsOffered: (body.tools ?? []).map((tool) => tool.name) });
      const work = runMessages(body, raw as Record<string, unknown>, key, log, request, deps).then(outcomeResponse, failure);
      return respondInTime(work, body.stream ? anthropicStreamStart(request.requestId) : jsonStart(request.requestId), deps.limits);
    });
  } catch (error) {
    return errorResponse(error, request, deps, toAnthropicError);
  }
}

/** An Anthropic stream started early: `ping` events meanwhile (the SDKs skip them), a failure as an `error` event. */
function anthropicStreamStart(requestId: string): EarlyStart {
  return {
    headers: { ...sseHeaders, 'x-request-id': requestId },
    filler: 'event: ping\ndata: {"type": "ping"}\n\n',
    lateFailure: (failure) => `event: error\ndata: ${failure.body}\n\n`,
  };
}
