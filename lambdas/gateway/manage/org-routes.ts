import { z } from 'zod';
import { microsToDollars } from '../../core/catalog/request-cost.js';
import type { OrgChanges, OrgSettings } from '../../ports/directory-store.js';
import { jsonResponse, type GatewayRequest } from '../gateway-http.js';
import { orgUsage } from './key-usage.js';
import { rearmBalanceAlerts } from './alert-routes.js';
import { parseBody } from '../parse-body.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authorizeManagement } from './management-request.js';
import { checkModelList, currentSpends, dollarLimitSchema, dollarsOrNull, limitMicros, modelListSchema, toMicros } from './management-schemas.js';

const allTime = { owner: 'org', period: 'all' };

const orgUpdateSchema = z
  .object({
    name: z.string().min(1).max(128).optional(),
    monthly_limit: dollarLimitSchema.optional(),
    default_key_limit: dollarLimitSchema.optional(),
    /** The prepaid budget left from now on; null: no prepaid budget. */
    balance: dollarLimitSchema.optional(),
  })
  .strict();

/** The organisation: `/v1/manage/org`, `/v1/manage/org/approved-models` and `/v1/manage/org/usage`, documented in the README. */
export const orgRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/org': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      return jsonResponse(200, await publicOrg(deps, await deps.directory.org()));
    },
    POST: async (request, deps) => {
      await authorizeManagement(request, deps);
      const body = parseBody(request.body, orgUpdateSchema);
      const { balance } = body;
      // A balance is kept as a cap on this region's all-time spend, so it is enforced like any limit.
      const spentEver = balance === undefined || balance === null ? 0 : ((await deps.usage.totals([allTime]))[0]?.spent ?? 0);
      const org = await deps.directory.updateOrg((current): OrgChanges => ({
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.monthly_limit === undefined ? {} : { monthlyLimit: limitMicros(body.monthly_limit) }),
        ...(body.default_key_limit === undefined ? {} : { defaultKeyLimit: limitMicros(body.default_key_limit) }),
        ...(balance === undefined ? {} : { prepaidLimits: withRegion(current.prepaidLimits, deps.region, balance === null ? undefined : spentEver + toMicros(balance)) }),
      }));
      const prepaid = org.prepaidLimits?.[deps.region];
      if (balance !== undefined && balance !== null && prepaid !== undefined) await rearmBalanceAlerts(deps, prepaid, prepaid - spentEver);
      return jsonResponse(200, await publicOrg(deps, org));
    },
  },
  '/v1/manage/org/approved-models': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      return jsonResponse(200, { models: (await deps.directory.org()).approvedModels ?? null });
    },
    POST: async (request, deps) => {
      await authorizeManagement(request, deps);
      const { models } = parseBody(request.body, z.object({ models: modelListSchema.nullable() }).strict());
      const approved = models === null ? null : checkModelList(models, deps, 'models');
      const org = await deps.directory.updateOrg(() => ({ approvedModels: approved }));
      return jsonResponse(200, { models: org.approvedModels ?? null });
    },
  },
  // As the key usage endpoint: a POST body, a GET's query string or a GET's body; a report reads, whichever carries it.
  '/v1/manage/org/usage': { GET: usageOfOrg, POST: usageOfOrg },
};

async function usageOfOrg(request: GatewayRequest, deps: ManagementDeps) {
  await authorizeManagement(request, deps, 'read');
  return jsonResponse(200, await orgUsage(request, deps));
}

async function publicOrg(deps: ManagementDeps, org: OrgSettings) {
  const [[allTimeTotals], [spend]] = await Promise.all([deps.usage.totals([allTime]), currentSpends(['org'], deps)]);
  const spentEver = allTimeTotals?.spent ?? 0;
  const prepaid = org.prepaidLimits?.[deps.region];
  return {
    name: org.name,
    balance: prepaid === undefined ? null : microsToDollars(Math.max(0, prepaid - spentEver)),
    monthly_limit: dollarsOrNull(org.monthlyLimit),
    ...spend,
    total_spend: microsToDollars(spentEver),
    default_key_limit: dollarsOrNull(org.defaultKeyLimit),
    approved_models: org.approvedModels ?? null,
  };
}

/** The per-region limits with this region's set (or, undefined, removed); null when none is left. */
function withRegion(limits: Record<string, number> | undefined, region: string, limit: number | undefined): Record<string, number> | null {
  const { [region]: _previous, ...others } = limits ?? {};
  const next = limit === undefined ? others : { ...others, [region]: limit };
  return Object.keys(next).length === 0 ? null : next;
}
