import { z } from 'zod';
import { generateApiKey, newApiKeyRecord } from '../../core/auth/api-key.js';
import { GatewayError } from '../../core/errors.js';
import { billingPeriod } from '../../core/catalog/billing-period.js';
import { microsToDollars } from '../../core/catalog/request-cost.js';
import type { ApiKeyRecord, KeyChanges } from '../../ports/key-store.js';
import { jsonResponse } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authorizeManagement, parseQuery } from './management-request.js';

const labelsSchema = z.record(z.string().min(1).max(128), z.string().max(512)).refine((labels) => Object.keys(labels).length <= 50, {
  message: 'at most 50 labels',
});
/** ISO 8601 with a zone, in the future; null removes the expiry. */
const expiresAtSchema = z.iso.datetime({ offset: true }).nullable();

/** US dollars at the API, integer micro-dollars inside; null removes the limit. */
const monthlyLimitSchema = z.number().min(0).max(1_000_000_000).nullable();

const createKeySchema = z
  .object({
    name: z.string().min(1).max(128),
    monthly_limit: monthlyLimitSchema.optional(),
    labels: labelsSchema.optional(),
    expires_at: expiresAtSchema.optional(),
  })
  .strict();

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).optional(),
});

/** API keys: `/v1/manage/apikey[/<id>[/labels|/expiry|/disable|/enable]]`, documented in the README. */
export const keyRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/apikey': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      const query = parseQuery(request.query, listQuerySchema);
      const page = await deps.keys.list('api', query.limit, query.cursor);
      const data = await Promise.all(page.keys.map((record) => publicKey(deps, record)));
      return jsonResponse(200, { data, next_cursor: page.nextCursor ?? null });
    },
    POST: async (request, deps) => {
      await authorizeManagement(request, deps);
      const body = parseBody(request.body, createKeySchema);
      const key = generateApiKey();
      const expiresAt = futureMillis(body.expires_at);
      const record: ApiKeyRecord = {
        ...newApiKeyRecord(key, body.name, Date.now()),
        labels: body.labels ?? {},
        ...(expiresAt === undefined ? {} : { expiresAt }),
        ...(body.monthly_limit == null ? {} : { monthlyLimit: toMicros(body.monthly_limit) }),
      };
      await deps.keys.putIfAbsent(record);
      // The only time the key itself is ever returned.
      return jsonResponse(201, { ...(await publicKey(deps, record)), key });
    },
  },
  '/v1/manage/apikey/:id': {
    GET: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      return jsonResponse(200, await publicKey(deps, await existing(deps, id)));
    },
    DELETE: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      if (!(await deps.keys.delete(id, 'api'))) throw notFound(id);
      return jsonResponse(200, { id, deleted: true });
    },
  },
  '/v1/manage/apikey/:id/limit': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const { monthly_limit: limit } = parseBody(request.body, z.object({ monthly_limit: monthlyLimitSchema }).strict());
      return updated(deps, id, { monthlyLimit: limit === null ? null : toMicros(limit) });
    },
  },
  '/v1/manage/apikey/:id/labels': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const { labels } = parseBody(request.body, z.object({ labels: labelsSchema }).strict());
      return updated(deps, id, { labels });
    },
  },
  '/v1/manage/apikey/:id/expiry': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const { expires_at: expiresAt } = parseBody(request.body, z.object({ expires_at: expiresAtSchema }).strict());
      return updated(deps, id, { expiresAt: expiresAt === null ? null : (futureMillis(expiresAt) ?? null) });
    },
  },
  '/v1/manage/apikey/:id/disable': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      return updated(deps, id, { disabled: true });
    },
  },
  '/v1/manage/apikey/:id/enable': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      return updated(deps, id, { disabled: false });
    },
  },
};

/** A key as the API shows it, with this month's spend: never the hash, never the secret. */
async function publicKey(deps: ManagementDeps, record: ApiKeyRecord) {
  const period = billingPeriod(Date.now());
  const { spent } = await deps.usage.periodTotals(record.id, period.id);
  return {
    id: record.id,
    name: record.name,
    key_prefix: record.prefix,
    monthly_limit: record.monthlyLimit === undefined ? null : microsToDollars(record.monthlyLimit),
    spend: microsToDollars(spent),
    period_start: new Date(period.start).toISOString(),
    period_end: new Date(period.end).toISOString(),
    labels: record.labels,
    expires_at: record.expiresAt === undefined ? null : new Date(record.expiresAt).toISOString(),
    disabled: record.disabled,
    created_at: new Date(record.createdAt).toISOString(),
  };
}

async function existing(deps: ManagementDeps, id: string): Promise<ApiKeyRecord> {
  const record = await deps.keys.findById(id);
  if (!record || record.kind !== 'api') throw notFound(id);
  return record;
}

async function updated(deps: ManagementDeps, id: string, changes: KeyChanges) {
  const record = await deps.keys.update(id, 'api', changes);
  if (!record) throw notFound(id);
  return jsonResponse(200, await publicKey(deps, record));
}

function futureMillis(iso: string | null | undefined): number | undefined {
  if (iso === undefined || iso === null) return undefined;
  const millis = Date.parse(iso);
  if (millis <= Date.now()) {
    throw new GatewayError(400, 'invalid_request', 'expires_at must be in the future.', { param: 'expires_at' });
  }
  return millis;
}

function toMicros(dollars: number): number {
  return Math.round(dollars * 1_000_000);
}

function notFound(id: string): GatewayError {
  return new GatewayError(404, 'key_not_found', `No API key with id "${id}".`, { param: 'id' });
}
