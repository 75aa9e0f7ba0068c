import { z } from 'zod';
import { generateApiKey, newApiKeyRecord } from '../../core/auth/api-key.js';
import { GatewayError } from '../../core/errors.js';
import type { ApiKeyRecord, KeyChanges } from '../../ports/key-store.js';
import { jsonResponse, type GatewayRequest } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authorizeManagement, maxIdLength, parseQuery, pathId } from './management-request.js';
import { currentSpends, dollarLimitSchema, dollarsOrNull, limitMicros, listQuerySchema, toMicros, type SpendView } from './management-schemas.js';
import { keyUsage } from './key-usage.js';

const labelsSchema = z.record(z.string().min(1).max(128), z.string().max(512)).refine((labels) => Object.keys(labels).length <= 50, {
  message: 'at most 50 labels',
});
/** ISO 8601 with a zone, in the future; null removes the expiry. */
const expiresAtSchema = z.iso.datetime({ offset: true }).nullable();
const groupIdSchema = z.string().min(1).max(maxIdLength.group).nullable();

const createKeySchema = z
  .object({
    name: z.string().min(1).max(128),
    /** Omitted: the organisation's default limit for new keys; null: no limit. */
    monthly_limit: dollarLimitSchema.optional(),
    group_id: groupIdSchema.optional(),
    labels: labelsSchema.optional(),
    expires_at: expiresAtSchema.optional(),
  })
  .strict();

/** API keys: `/v1/manage/apikey[/<id>[/usage|/limit|/labels|/expiry|/group|/disable|/enable]]`, documented in the README. */
export const keyRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/apikey': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      const query = parseQuery(request.query, listQuerySchema);
      const page = await deps.keys.list('api', query.limit, query.cursor);
      const spends = await currentSpends(page.keys.map((record) => `key#${record.id}`), deps);
      const data = page.keys.map((record, index) => publicKey(record, spends[index]));
      return jsonResponse(200, { data, next_cursor: page.nextCursor ?? null });
    },
    POST: async (request, deps) => {
      await authorizeManagement(request, deps);
      const body = parseBody(request.body, createKeySchema);
      const groupId = await existingGroupId(deps, body.group_id);
      const expiresAt = futureMillis(body.expires_at);
      const monthlyLimit = await limitForNewKey(deps, body.monthly_limit);
      const key = generateApiKey();
      const record: ApiKeyRecord = {
        ...newApiKeyRecord(key, body.name, Date.now()),
        labels: body.labels ?? {},
        ...(expiresAt === undefined ? {} : { expiresAt }),
        ...(monthlyLimit === undefined ? {} : { monthlyLimit }),
        ...(groupId === undefined ? {} : { groupId }),
      };
      await deps.keys.putIfAbsent(record);
      // The only time the key itself is ever returned.
      return jsonResponse(201, { ...(await shownKey(deps, record)), key });
    },
  },
  '/v1/manage/apikey/:id': {
    GET: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      return jsonResponse(200, await shownKey(deps, await existing(deps, id)));
    },
    DELETE: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      if (!(await deps.keys.delete(pathId(id, maxIdLength.key, notFound), 'api'))) throw notFound(id);
      return jsonResponse(200, { id, deleted: true });
    },
  },
  // Requesty's own examples send the query as the body of a GET: both are served, and a GET's query string too.
  '/v1/manage/apikey/:id/usage': { POST: usageOfKey, GET: usageOfKey },
  '/v1/manage/apikey/:id/limit': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const { monthly_limit: limit } = parseBody(request.body, z.object({ monthly_limit: dollarLimitSchema }).strict());
      return updated(deps, id, { monthlyLimit: limitMicros(limit) });
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
  '/v1/manage/apikey/:id/group': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const { group_id: groupId } = parseBody(request.body, z.object({ group_id: groupIdSchema }).strict());
      return updated(deps, id, { groupId: (await existingGroupId(deps, groupId)) ?? null });
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

async function usageOfKey(request: GatewayRequest, deps: ManagementDeps, { id = '' }: Readonly<Record<string, string>>) {
  await authorizeManagement(request, deps);
  return jsonResponse(200, await keyUsage(request, (await existing(deps, id)).id, deps));
}

/** A key as the API shows it, with this month's spend: never the hash, never the secret. */
function publicKey(record: ApiKeyRecord, spend: SpendView | undefined) {
  return {
    id: record.id,
    name: record.name,
    key_prefix: record.prefix,
    group_id: record.groupId ?? null,
    monthly_limit: dollarsOrNull(record.monthlyLimit),
    ...spend,
    labels: record.labels,
    expires_at: record.expiresAt === undefined ? null : new Date(record.expiresAt).toISOString(),
    disabled: record.disabled,
    created_at: new Date(record.createdAt).toISOString(),
  };
}

async function shownKey(deps: ManagementDeps, record: ApiKeyRecord) {
  const [spend] = await currentSpends([`key#${record.id}`], deps);
  return publicKey(record, spend);
}

async function existing(deps: ManagementDeps, id: string): Promise<ApiKeyRecord> {
  const record = await deps.keys.findById(pathId(id, maxIdLength.key, notFound));
  if (!record || record.kind !== 'api') throw notFound(id);
  return record;
}

/** Omitted: the organisation's default for new keys; null: none. */
async function limitForNewKey(deps: ManagementDeps, dollars: number | null | undefined): Promise<number | undefined> {
  if (dollars === undefined) return (await deps.directory.org()).defaultKeyLimit;
  return dollars === null ? undefined : toMicros(dollars);
}

async function existingGroupId(deps: ManagementDeps, groupId: string | null | undefined): Promise<string | undefined> {
  if (groupId == null) return undefined;
  if (!(await deps.directory.group(groupId))) {
    throw new GatewayError(400, 'group_not_found', `No group with id "${groupId}".`, { param: 'group_id' });
  }
  return groupId;
}

async function updated(deps: ManagementDeps, id: string, changes: KeyChanges) {
  const record = await deps.keys.update(pathId(id, maxIdLength.key, notFound), 'api', changes);
  if (!record) throw notFound(id);
  return jsonResponse(200, await shownKey(deps, record));
}

function futureMillis(iso: string | null | undefined): number | undefined {
  if (iso === undefined || iso === null) return undefined;
  const millis = Date.parse(iso);
  if (millis <= Date.now()) {
    throw new GatewayError(400, 'invalid_request', 'expires_at must be in the future.', { param: 'expires_at' });
  }
  return millis;
}

function notFound(id: string): GatewayError {
  return new GatewayError(404, 'key_not_found', `No API key with id "${id}".`, { param: 'id' });
}
