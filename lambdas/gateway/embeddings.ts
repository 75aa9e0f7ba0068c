import { unsupportedParameter } from '../core/providers/message-parts.js';
import { withCapturedHeaders } from '../core/request-log/captured-headers.js';
import { embeddingsRequestSchema } from '../core/schemas/openai-embeddings.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { oneCallRoute } from './one-call-route.js';
import { parseBody } from './parse-body.js';

/** POST /v1/embeddings, for OpenAI-compatible, Gemini and Bedrock embedding models (and policies of them). */
export function embeddings(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  return oneCallRoute(request, deps, 'embeddings', () => {
    const parsed = parseBody(request.body, embeddingsRequestSchema);
    const body = { ...parsed, requesty: withCapturedHeaders(parsed.requesty, request.headers, deps.capturedHeaders) };
    const bytes = Buffer.byteLength(request.body);
    return {
      model: body.model,
      requesty: body.requesty,
      // No tokenizer makes more tokens than bytes.
      bound: () => ({ prompt_tokens: bytes, completion_tokens: 0, total_tokens: bytes }),
      call: (provider, call) => {
        if (!provider.embed) throw unsupportedParameter('model', `${provider.id} has no embedding models.`);
        return provider.embed(body, call);
      },
      charge: (answer) => {
        const tokens = answer.usage.prompt_tokens;
        return { usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens }, reply: (_cost, headers) => jsonResponse(200, answer, headers) };
      },
    };
  });
}
