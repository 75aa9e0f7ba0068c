import { chatCompletionRequestSchema } from '../core/schemas/openai-chat-request.js';
import { encodeOpenAIStream } from './encode-openai-stream.js';
import { knownSecrets, type GatewayDeps } from './gateway-config.js';
import { jsonResponse, sseHeaders, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { parseBody } from './parse-body.js';
import { presentedKey } from './presented-key.js';
import { runChat } from './run-chat.js';

/** POST /v1/chat/completions */
export async function chatCompletions(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  const key = await deps.authenticator.authenticate(presentedKey(request.headers));
  const body = parseBody(request.body, chatCompletionRequestSchema);
  const outcome = await runChat(body, key, request.requestId, Buffer.byteLength(request.body), deps);
  if (outcome.kind === 'complete') return jsonResponse(200, outcome.completion, outcome.headers);
  return {
    status: 200,
    headers: { ...sseHeaders, ...outcome.headers },
    body: encodeOpenAIStream(outcome.items, {
      includeUsage: body.stream_options?.include_usage === true,
      knownSecrets: knownSecrets(deps),
    }),
    cancel: outcome.cancel,
  };
}
