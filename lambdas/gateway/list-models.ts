import { requirePermission } from '../core/auth/key-permissions.js';
import { isApproved } from '../core/accounting/approved-models.js';
import { accountOf } from '../core/accounting/directory-lookup.js';
import type { CatalogEntry } from '../core/catalog/catalog-schema.js';
import { modelCatalog } from '../core/catalog/model-catalog.js';
import { chatProviders } from '../core/providers/registry.js';
import { GatewayError } from '../core/errors.js';
import { listedDefaultAliases } from '../core/routing/model-aliases.js';
import { policyModelPrefix, policyNameOf, type Policy } from '../core/routing/policy-schema.js';
import type { ApiKeyRecord } from '../ports/key-store.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { presentedKey } from './presented-key.js';
import { isServable } from './usable-credentials.js';
import { modelFilterSchema, passesFilter, type ModelFilter } from '../core/catalog/model-filter.js';

/**
 * GET /v1/models: the catalog models the key may call, in OpenAI's list format, each with its
 * context window, capabilities, prices per million tokens and regions, as Requesty's model list
 * shows them, then the routing policies it may call; `?provider=`, `?capability=`, `?region=`
 * and `?type=` filter it.
 */
export async function listModels(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  const filter = parseModelFilter(request.query);
  const { key, models, aliases } = await approvedModels(request, deps);
  const listed = models.filter((entry) => passesFilter(entry, filter));
  // Policies too, as Requesty lists them: with no filter, or asked for as `?provider=policy`.
  // Aliases name no provider, capability or region of their own: a filtered list leaves them out.
  const filters = Object.values(filter).filter((value) => value !== undefined);
  const withPolicies = filters.length === 0 || (filters.length === 1 && filter.provider?.includes('policy') === true);
  const policies = withPolicies ? await policiesOf(key, deps) : [];
  return jsonResponse(200, { object: 'list', data: [...listed.map(modelObject), ...policies.map(policyObject), ...(filters.length === 0 ? aliases : [])] });
}

/** GET /v1/models/{provider/model} (or `policy/<name>`): one of those, or 404 as OpenAI answers an unknown model. */
export async function getModel(request: GatewayRequest, deps: GatewayDeps, params: Readonly<Record<string, string>>): Promise<GatewayResponse> {
  const { key, models, aliases } = await approvedModels(request, deps);
  const entry = models.find((candidate) => candidate.id === params.id);
  if (entry) return jsonResponse(200, modelObject(entry));
  const alias = aliases.find((candidate) => candidate.id === params.id);
  if (alias) return jsonResponse(200, alias);
  const policy = (await policiesOf(key, deps)).find((candidate) => `${policyModelPrefix}${candidate.name}` === params.id);
  if (policy) return jsonResponse(200, policyObject(policy));
  const id = params.id ?? '';
  const unserved = modelCatalog.some((candidate) => candidate.id === id) && !servableProviders(deps).has(providerOf(id));
  const why = unserved ? `its provider "${providerOf(id)}" is not configured on this gateway` : 'it is not in the catalog of models this key may use';
  throw new GatewayError(404, 'model_not_found', `The model "${params.id}" is not listed: ${why}.`, { param: 'model' });
}

/** The `?provider=&capability=&type=&region=` filters, or 400 naming the one at fault. */
export function parseModelFilter(query: Readonly<Record<string, string | undefined>>): ModelFilter {
  const parsed = modelFilterSchema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = String(issue?.path[0] ?? 'query');
  throw new GatewayError(400, 'invalid_request', `Invalid ${param} filter: ${issue?.message ?? 'not understood'}.`, { param });
}

async function approvedModels(request: GatewayRequest, deps: GatewayDeps): Promise<{ key: ApiKeyRecord; models: CatalogEntry[]; aliases: AliasObject[] }> {
  const key = await deps.authenticator.authenticate(presentedKey(request.headers));
  // Listing models is reading: `completions: read` is enough.
  requirePermission(key, 'completions', 'read');
  const account = await accountOf(key, deps.directory);
  const servable = servableProviders(deps);
  const models = modelCatalog.filter((entry) => servable.has(providerOf(entry.id)) && isApproved(entry.id, account));
  // The organisation's aliases override the defaults of the same name; an alias to a model the key may not use, or that cannot be served here, is not shown.
  const named = { ...listedDefaultAliases(), ...account.org.modelAliases };
  const aliases = Object.entries(named)
    .filter(([, target]) => policyNameOf(target) !== undefined || (servable.has(providerOf(target)) && isApproved(target, account)))
    .map(([id, target]) => aliasObject(id, target));
  return { key, models, aliases };
}

/**
 * The providers whose models can be called here: those without credentials (or misconfigured)
 * are left out of the list, as their calls would only answer 503.
 */
function servableProviders(deps: GatewayDeps): ReadonlySet<string> {
  return new Set(Object.entries(chatProviders).filter(([id, provider]) => isServable(provider, deps.credentials[id])).map(([id]) => id));
}

const providerOf = (modelId: string) => modelId.slice(0, modelId.indexOf('/'));

interface AliasObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /** The `provider/model` or `policy/<name>` the alias sends requests to. */
  alias_for: string;
}

function aliasObject(id: string, target: string): AliasObject {
  return { id, object: 'model', created: 0, owned_by: 'alias', alias_for: target };
}

/** The policies the key may call; none while the store cannot list them, so the model list is still served. */
function policiesOf(key: ApiKeyRecord, deps: GatewayDeps): Promise<Policy[]> {
  return deps.policyListing ? deps.policyListing(key.id).catch((): Policy[] => []) : Promise.resolve([]);
}

/** A routing policy as a model of the list: callable as `policy/<name>`, with the models it routes to. */
function policyObject(policy: Policy) {
  return {
    id: `${policyModelPrefix}${policy.name}`,
    object: 'model',
    created: 0,
    owned_by: policy.api_key_id === undefined ? 'organization' : 'api_key',
    type: 'policy',
    policy: { type: policy.type, models: policy.models.map((entry) => entry.model) },
  };
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
