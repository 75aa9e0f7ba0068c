import { unsupportedParameter } from '../core/providers/message-parts.js';
import { microsToDollars } from '../core/catalog/request-cost.js';
import { embeddingsRequestSchema } from '../core/schemas/openai-embeddings.js';
import { accountOf } from '../core/accounting/directory-lookup.js';
import { openedLedger, openLedger, releaseAfter, type Ledger } from './accounting.js';
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
  const account = await accountOf(key, deps.directory);
  let ledger: Ledger | undefined;
  try {
    const { value, headers } = await runRouted(
      body.model,
      account,
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
        ledger = await openLedger(account, models, bound, { requestId: request.requestId, requesty: body.requesty }, deps);
      },
    );
    const opened = openedLedger(ledger);
    const tokens = value.usage.prompt_tokens;
    const usage = { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens };
    const { cost, charged } = await opened.settle(headers['x-switchboard-model'], usage);
    const accounted = { ...headers, ...(await opened.remainingHeaders(charged)) };
    return jsonResponse(200, value, cost === undefined ? accounted : { ...accounted, 'x-switchboard-cost': microsToDollars(cost).toFixed(6) });
  } catch (error) {
    await releaseAfter(error, ledger);
    throw error;
  }
}
