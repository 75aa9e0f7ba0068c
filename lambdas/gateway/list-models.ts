import { modelCatalog } from '../core/catalog/model-catalog.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { presentedKey } from './presented-key.js';

/**
 * GET /v1/models: the catalog in OpenAI's list format, each model with its context window,
 * capabilities and prices per million tokens, as Requesty's model list shows them.
 */
export async function listModels(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  await deps.authenticator.authenticate(presentedKey(request.headers));
  return jsonResponse(200, {
    object: 'list',
    data: modelCatalog.map((entry) => ({
      id: entry.id,
      object: 'model',
      // OpenAI's release time of the model; the catalog does not track it.
      created: 0,
      owned_by: entry.id.slice(0, entry.id.indexOf('/')),
      context_window: entry.context_window,
      max_output_tokens: entry.max_output_tokens,
      capabilities: entry.capabilities,
      pricing: entry.pricing,
    })),
  });
}
