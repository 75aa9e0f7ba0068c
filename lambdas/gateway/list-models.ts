import { isApproved } from '../core/accounting/approved-models.js';
import { accountOf } from '../core/accounting/directory-lookup.js';
import type { CatalogEntry } from '../core/catalog/catalog-schema.js';
import { modelCatalog } from '../core/catalog/model-catalog.js';
import { GatewayError } from '../core/errors.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { presentedKey } from './presented-key.js';
import { modelFilterSchema, passesFilter, type ModelFilter } from '../core/catalog/model-filter.js';

/**
 * GET /v1/models: the catalog models the key may call, in OpenAI's list format, each with its
 * context window, capabilities, prices per million tokens and regions, as Requesty's model list
 * shows them; `?provider=`, `?capability=`, `?region=` and `?type=` filter it.
 */
export async function listModels(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  const filter = parseModelFilter(request.query);
  const models = (await approvedModels(request, deps)).filter((entry) => passesFilter(entry, filter));
  return jsonResponse(200, { object: 'list', data: models.map(modelObject) });
}

/** GET /v1/models/{provider/model}: one of those, or 404 as OpenAI answers an unknown model. */
export async function getModel(request: GatewayRequest, deps: GatewayDeps, params: Readonly<Record<string, string>>): Promise<GatewayResponse> {
  const entry = (await approvedModels(request, deps)).find((candidate) => candidate.id === params.id);
  if (!entry) throw new GatewayError(404, 'model_not_found', `The model "${params.id}" is not in the catalog of models this key may use.`, { param: 'model' });
  return jsonResponse(200, modelObject(entry));
}

/** The `?provider=&capability=&type=&region=` filters, or 400 naming the one at fault. */
export function parseModelFilter(query: Readonly<Record<string, string | undefined>>): ModelFilter {
  const parsed = modelFilterSchema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = String(issue?.path[0] ?? 'query');
  throw new GatewayError(400, 'invalid_request', `Invalid ${param} filter: ${issue?.message ?? 'not understood'}.`, { param });
}

async function approvedModels(request: GatewayRequest, deps: GatewayDeps): Promise<CatalogEntry[]> {
  const account = await accountOf(await deps.authenticator.authenticate(presentedKey(request.headers)), deps.directory);
  return modelCatalog.filter((entry) => isApproved(entry.id, account));
}

/** One catalog entry in OpenAI's model-object shape, with our catalog fields. */
export function modelObject(entry: CatalogEntry) {
  return {
    id: entry.id,
    object: 'model',
    // OpenAI's release time of the model; the catalog does not track it.
    created: 0,
    owned_by: entry.id.slice(0, entry.id.indexOf('/')),
    type: entry.type,
    context_window: entry.context_window,
    max_output_tokens: entry.max_output_tokens,
    capabilities: entry.capabilities,
    pricing: entry.pricing,
    regions: entry.regions,
  };
}
