import { unsupportedParameter } from '../core/providers/message-parts.js';
import { microsToDollars } from '../core/catalog/request-cost.js';
import { embeddingsRequestSchema } from '../core/schemas/openai-embeddings.js';
import { costMicros, reserveBudget, type BudgetHold } from './budget.js';
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
  const bytes = Buffer.byteLength(request.body);
  let hold: BudgetHold | undefined;
  try {
    const { value, headers } = await runRouted(
      body.model,
      key.id,
      stickiness,
      request.requestId,
      'complete',
      deps,
      async (provider, call) => {
        if (!provider.embed) throw unsupportedParameter('model', `${provider.id} has no embedding models.`);
        return { value: await provider.embed(body, call), firstByteAt: deps.clock.now() };
      },
      async (models) => {
        const bound = () => ({ prompt_tokens: bytes, completion_tokens: 0, total_tokens: bytes });
        hold = await reserveBudget(key, models, bound, request.requestId, deps);
      },
    );
    const tokens = value.usage.prompt_tokens;
    const cost = costMicros(headers['x-switchboard-model'], { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens }, deps);
    await hold?.settle(cost ?? hold.reserved);
    return jsonResponse(200, value, cost === undefined ? headers : { ...headers, 'x-switchboard-cost': microsToDollars(cost).toFixed(6) });
  } catch (error) {
    await hold?.settle(0);
    throw error;
  }
}
