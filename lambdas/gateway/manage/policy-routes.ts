import { z } from 'zod';
import { isApproved } from '../../core/accounting/approved-models.js';
import { GatewayError } from '../../core/errors.js';
import type { PolicyLookup } from '../../core/routing/policy-resolver.js';
import { policyModelPrefix, policyNamePattern, policySchema, type Policy } from '../../core/routing/policy-schema.js';
import { validatePolicy } from '../../core/routing/validate-policy.js';
import { scopeOf, type PolicyScope, type PolicyStore } from '../../ports/policy-store.js';
import { jsonResponse, type GatewayRequest } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authorizeManagement, maxIdLength, parseQuery } from './management-request.js';
import { listQuerySchema } from './management-schemas.js';

/** Routing policies: `/v1/manage/policy[/<name>]`, documented in the README. */
export const policyRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/policy': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      const query = parseQuery(request.query, listQuerySchema);
      const page = await deps.policies.list(query.limit, query.cursor);
      return jsonResponse(200, { data: page.policies, next_cursor: page.nextCursor ?? null });
    },
    POST: async (request, deps) => {
      await authorizeManagement(request, deps);
      const policy = parseBody(request.body, policySchema);
      await validatePolicy(policy, storeLookup(deps.policies), deps.providers, await approvalFor(policy, deps));
      if (!(await deps.policies.create(policy))) {
        throw new GatewayError(409, 'policy_exists', `A policy named "${policy.name}" exists in this scope; use PUT to replace it.`, {
          param: 'name',
        });
      }
      return jsonResponse(201, policy);
    },
  },
  '/v1/manage/policy/:name': {
    GET: async (request, deps, { name = '' }) => {
      await authorizeManagement(request, deps);
      return jsonResponse(200, await existing(deps.policies, scopeFromQuery(request), name));
    },
    PUT: async (request, deps, { name = '' }) => {
      await authorizeManagement(request, deps);
      const policy = parseBody(request.body, policySchema);
      if (policy.name !== name) {
        throw new GatewayError(400, 'invalid_request', `The body names "${policy.name}" but the path names "${name}".`, {
          param: 'name',
        });
      }
      await validatePolicy(policy, storeLookup(deps.policies), deps.providers, await approvalFor(policy, deps));
      if (!(await deps.policies.replace(policy))) throw notFound(name);
      return jsonResponse(200, policy);
    },
    DELETE: async (request, deps, { name = '' }) => {
      await authorizeManagement(request, deps);
      const scope = scopeFromQuery(request);
      const users = await referrers(deps.policies, scope, name);
      if (users.length > 0) {
        throw new GatewayError(409, 'policy_in_use', `policy/${name} is used by ${users.map((p) => `policy/${p.name}`).join(', ')}.`);
      }
      const aliases = scope.kind === 'org' ? Object.entries((await deps.directory.org()).modelAliases ?? {}) : [];
      const aliasedBy = aliases.filter(([, target]) => target === `${policyModelPrefix}${name}`).map(([alias]) => alias);
      if (aliasedBy.length > 0) throw new GatewayError(409, 'policy_in_use', `policy/${name} is the target of the alias ${aliasedBy.join(', ')}.`);
      if (!(await deps.policies.delete(scope, storableName(name)))) throw notFound(name);
      return jsonResponse(200, { name, deleted: true });
    },
  },
};

/** Which models the policy may name: the organisation's approved ones, and its key's group's. */
async function approvalFor(policy: Policy, deps: ManagementDeps): Promise<(model: string) => boolean> {
  const key = policy.api_key_id === undefined ? undefined : await deps.keys.findById(policy.api_key_id);
  const [org, group] = await Promise.all([deps.directory.org(), key?.groupId === undefined ? undefined : deps.directory.group(key.groupId)]);
  return (model) => isApproved(model, { org, group });
}

/** Uncached: validation must see what is stored now. */
function storeLookup(store: PolicyStore): PolicyLookup {
  return async (name, apiKeyId) =>
    (apiKeyId ? await store.get({ kind: 'key', apiKeyId }, name) : undefined) ?? store.get({ kind: 'org' }, name);
}

async function existing(store: PolicyStore, scope: PolicyScope, name: string): Promise<Policy> {
  const policy = await store.get(scope, storableName(name));
  if (!policy) throw notFound(name);
  return policy;
}

/** Policies that would be left pointing at nothing if this one went. */
async function referrers(store: PolicyStore, scope: PolicyScope, name: string): Promise<Policy[]> {
  const reference = `${policyModelPrefix}${name}`;
  const users: Policy[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(100, cursor);
    for (const policy of page.policies) {
      const sees = scope.kind === 'org' || (scopeOf(policy).kind === 'key' && policy.api_key_id === scope.apiKeyId);
      if (sees && policy.models.some((entry) => entry.model === reference)) users.push(policy);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return users;
}

const scopeQuerySchema = z.object({ api_key_id: z.string().max(maxIdLength.key).optional() });

function scopeFromQuery(request: GatewayRequest): PolicyScope {
  const apiKeyId = parseQuery(request.query, scopeQuerySchema).api_key_id;
  return apiKeyId ? { kind: 'key', apiKeyId } : { kind: 'org' };
}

/** A name no policy can have is not looked up: the store would refuse an over-long one as a key. */
function storableName(name: string): string {
  if (!policyNamePattern.test(name)) throw notFound(name);
  return name;
}

function notFound(name: string): GatewayError {
  return new GatewayError(404, 'policy_not_found', `No policy named "${name}" in this scope.`, { param: 'name' });
}
