import { isApproved } from '../core/accounting/approved-models.js';
import { accountOf } from '../core/accounting/directory-lookup.js';
import { modelCatalog } from '../core/catalog/model-catalog.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { presentedKey } from './presented-key.js';

/**
 * GET /v1/models: the catalog models the key may call, in OpenAI's list format, each with its
 * context window, capabilities and prices per million tokens, as Requesty's model list shows them.
 */
export async function listModels(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  const account = await accountOf(await deps.authenticator.authenticate(presentedKey(request.headers)), deps.directory);
  return jsonResponse(200, {
    object: 'list',
    data: modelCatalog.filter((entry) => isApproved(entry.id, account)).map((entry) => ({
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
