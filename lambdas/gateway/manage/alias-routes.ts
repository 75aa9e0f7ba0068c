import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import { unknownModelReason } from '../../core/providers/known-model.js';
import { aliasNamePattern, listedDefaultAliases, maxAliases } from '../../core/routing/model-aliases.js';
import { policyNameOf, policyNamePattern } from '../../core/routing/policy-schema.js';
import { modelIdSchema } from '../../core/schemas/model-id-field.js';
import { jsonResponse } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authorizeManagement } from './management-request.js';

const aliasBodySchema = z.object({ target: modelIdSchema }).strict();

/** Model aliases of the organisation: `/v1/manage/aliases[/<alias>]`, documented in the README. */
export const aliasRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/aliases': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      return jsonResponse(200, { aliases: (await deps.directory.org()).modelAliases ?? {}, defaults: listedDefaultAliases() });
    },
  },
  '/v1/manage/aliases/:alias': {
    GET: async (request, deps, { alias = '' }) => {
      await authorizeManagement(request, deps);
      const aliases = (await deps.directory.org()).modelAliases ?? {};
      if (!Object.hasOwn(aliases, alias)) throw notFound(alias);
      return jsonResponse(200, { alias, target: aliases[alias] });
    },
    PUT: async (request, deps, { alias = '' }) => {
      await authorizeManagement(request, deps);
      if (!aliasNamePattern.test(alias)) {
        throw new GatewayError(400, 'invalid_request', `"${alias.slice(0, 140)}" cannot be an alias: use 1-128 letters, digits, ".", "_", ":", "-", "[" or "]", without "/".`, {
          param: 'alias',
        });
      }
      const { target } = parseBody(request.body, aliasBodySchema);
      await checkTarget(target, deps);
      await deps.directory.updateOrg((current) => {
        const aliases = { ...current.modelAliases, [alias]: target };
        if (Object.keys(aliases).length > maxAliases) {
          throw new GatewayError(400, 'too_many_aliases', `An organisation has at most ${maxAliases} aliases; delete one first.`, { param: 'alias' });
        }
        return { modelAliases: aliases };
      });
      return jsonResponse(200, { alias, target });
    },
    DELETE: async (request, deps, { alias = '' }) => {
      await authorizeManagement(request, deps);
      let found = false;
      await deps.directory.updateOrg((current) => {
        const { [alias]: removed, ...rest } = current.modelAliases ?? {};
        found = removed !== undefined;
        return found ? { modelAliases: Object.keys(rest).length > 0 ? rest : null } : {};
      });
      if (!found) throw notFound(alias);
      return jsonResponse(200, { alias, deleted: true });
    },
  },
};

/** A target is a model of a provider this gateway knows, or an organisation policy that exists. */
async function checkTarget(target: string, deps: ManagementDeps): Promise<void> {
  const policy = policyNameOf(target);
  if (policy !== undefined) {
    if (!policyNamePattern.test(policy) || !(await deps.policies.get({ kind: 'org' }, policy))) {
      throw new GatewayError(400, 'invalid_request', `${target}: no organisation policy of that name; create it first.`, { param: 'target' });
    }
    return;
  }
  const unknown = unknownModelReason(target, deps.providers, { wildcard: false });
  if (unknown) throw new GatewayError(400, 'invalid_request', unknown, { param: 'target' });
}

function notFound(alias: string): GatewayError {
  return new GatewayError(404, 'alias_not_found', `No alias named "${alias.slice(0, 140)}".`, { param: 'alias' });
}
