import { unsupportedParameter } from '../core/providers/message-parts.js';
import { embeddingsRequestSchema } from '../core/schemas/openai-embeddings.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { parseBody } from './parse-body.js';
import { presentedKey } from './presented-key.js';
import { runRouted } from './run-routed.js';

/** POST /v1/embeddings, for OpenAI-compatible, Gemini and Bedrock embedding models (and policies of them). */
export async function embeddings(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  const key = await deps.authenticator.authenticate(presentedKey(request.headers));
  const body = parseBody(request.body, embeddingsRequestSchema);
  const stickiness = body.requesty?.trace_id ?? request.requestId;
  const { value, headers } = await runRouted(body.model, key.id, stickiness, request.requestId, 'complete', deps, async (provider, call) => {
    if (!provider.embed) throw unsupportedParameter('model', `${provider.id} has no embedding models.`);
    return { value: await provider.embed(body, call), firstByteAt: deps.clock.now() };
  });
  return jsonResponse(200, value, headers);
}
