import { anthropicMessagesRequestSchema } from '../../core/schemas/anthropic-messages-request.js';
import { knownSecrets, type GatewayDeps } from '../gateway-config.js';
import { jsonResponse, sseHeaders, type GatewayRequest, type GatewayResponse } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import { presentedKey } from '../presented-key.js';
import { runChat } from '../run-chat.js';
import { toAnthropicError } from './anthropic-error-body.js';
import { encodeAnthropicStream } from './encode-anthropic-stream.js';
import { fromAnthropicRequest } from './from-anthropic-request.js';
import { toAnthropicMessage } from './to-anthropic-message.js';

/**
 * POST /v1/messages: Anthropic's Messages API on top of the same keys, routing and providers,
 * answering (errors included) in Anthropic's shapes.
 */
export async function messages(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  try {
    const key = await deps.authenticator.authenticate(presentedKey(request.headers));
    const body = parseBody(request.body, anthropicMessagesRequestSchema);
    const outcome = await runChat(fromAnthropicRequest(body), key, request.requestId, Buffer.byteLength(request.body), deps);
    if (outcome.kind === 'complete') return jsonResponse(200, toAnthropicMessage(outcome.completion, body.model), outcome.headers);
    return {
      status: 200,
      headers: { ...sseHeaders, ...outcome.headers },
      body: encodeAnthropicStream(outcome.items, body.model, knownSecrets(deps)),
      cancel: outcome.cancel,
    };
  } catch (error) {
    const failure = toAnthropicError(error, knownSecrets(deps));
    return jsonResponse(failure.status, failure.body, { ...failure.headers, 'x-request-id': request.requestId });
  }
}
