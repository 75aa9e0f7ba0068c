import { unsupportedParameter } from '../core/providers/message-parts.js';
import { microsToDollars } from '../core/catalog/request-cost.js';
import { withCapturedHeaders } from '../core/request-log/captured-headers.js';
import { embeddingsRequestSchema } from '../core/schemas/openai-embeddings.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { jsonStart } from './chat-completions.js';
import { toOpenAIError } from './openai-error-body.js';
import { parseBody } from './parse-body.js';
import { loggedRoute } from './logged-route.js';
import { respondInTime } from './respond-in-time.js';
import { routedHeaders, runRouted } from './run-routed.js';

/** POST /v1/embeddings, for OpenAI-compatible, Gemini and Bedrock embedding models (and policies of them). */
export function embeddings(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  return loggedRoute(request, deps, 'embeddings', toOpenAIError, async ({ key, log, failure }) => {
    const parsed = parseBody(request.body, embeddingsRequestSchema);
    const body = { ...parsed, requesty: withCapturedHeaders(parsed.requesty, request.headers, deps.capturedHeaders) };
    log.askedFor({ model: body.model, stream: false, requesty: body.requesty, toolsOffered: [] });
    const bytes = Buffer.byteLength(request.body);
    const work = (async (): Promise<GatewayResponse> => {
      const routed = await runRouted(
        {
          model: body.model,
          key,
          requestId: request.requestId,
          requesty: body.requesty,
          mode: 'complete',
          // No tokenizer makes more tokens than bytes.
          bound: () => ({ prompt_tokens: bytes, completion_tokens: 0, total_tokens: bytes }),
          clientSignal: request.clientSignal,
          tryModel: async (provider, call) => {
            if (!provider.embed) throw unsupportedParameter('model', `${provider.id} has no embedding models.`);
            return { value: await provider.embed(body, call), firstByteAt: deps.clock.now() };
          },
          log,
        },
        deps,
      );
      const tokens = routed.value.usage.prompt_tokens;
      const { cost, charged } = await routed.ledger.settle(routed.model, { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens });
      const headers = { ...routedHeaders(routed, request.requestId), ...(await routed.ledger.remainingHeaders(charged)) };
      return jsonResponse(200, routed.value, cost === undefined ? headers : { ...headers, 'x-switchboard-cost': microsToDollars(cost).toFixed(6) });
    })().catch(failure);
    return respondInTime(work, jsonStart(request.requestId), deps.limits);
  });
}
