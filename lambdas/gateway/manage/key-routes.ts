import { z } from 'zod';
import { generateApiKey, newApiKeyRecord } from '../../core/auth/api-key.js';
import { defaultApiKeyPermissions, keyPermissionsSchema, permissionsOf, type KeyPermissions, type PermissionLevel } from '../../core/auth/key-permissions.js';
import { GatewayError } from '../../core/errors.js';
import type { ApiKeyRecord, KeyChanges } from '../../ports/key-store.js';
import { jsonResponse, type GatewayRequest } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authenticateCaller, authorizeManagement, maxIdLength, parseQuery, pathId } from './management-request.js';
import { currentSpends, dollarsOrNull, limitMicros, listQuerySchema, monthlyLimitSchema, toMicros, type SpendView } from './management-schemas.js';
import { isDateUsageQuery, keyUsage, keyUsageByDates } from './key-usage.js';

const labelsSchema = z.record(z.string().min(1).max(128), z.string().max(512)).refine((labels) => Object.keys(labels).length <= 50, {
  message: 'at most 50 labels',
});
/** ISO 8601 with a zone, in the future; null removes the expiry. */
const expiresAtSchema = z.iso.datetime({ offset: true }).nullable();
const groupIdSchema = z.string().min(1).max(maxIdLength.group).nullable();

/** Requesty's permissions; either may be left out (then the default: `manage: none`, `completions: write`). */
const permissionsSchema = keyPermissionsSchema.partial().transform((given): KeyPermissions => ({ ...defaultApiKeyPermissions, ...given }));

const createKeySchema = z
  .object({
    name: z.string().min(1).max(128),
    /** Omitted: the organisation's default limit for new keys; null or 0: no limit. */
    monthly_limit: monthlyLimitSchema.optional(),
    permissions: permissionsSchema.optional(),
    group_id: groupIdSchema.optional(),
    labels: labelsSchema.optional(),
    expires_at: expiresAtSchema.optional(),
  })
  .strict();

/**
 * API keys: `/v1/manage/apikey[/<id>[/usage|/limit|/labels|/label|/permissions|/expiry|/group|/disable|/enable]]`,
 * `<id>` or `self`, documented in the README; Requesty's shapes are answered alongside ours.
 */
export const keyRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/apikey': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      const query = parseQuery(request.query, listQuerySchema);
      const page = await deps.keys.list('api', query.limit, query.cursor);
      const spends = await currentSpends(page.keys.map((record) => `key#${record.id}`), deps);
      const data = page.keys.map((record, index) => publicKey(record, spends[index]));
      // `keys`: the same keys in Requesty's shape, for its clients.
      const keys = page.keys.map((record, index) => requestyKey(record, spends[index]));
      return jsonResponse(200, { data, keys, next_cursor: page.nextCursor ?? null });
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
        ...(body.permissions === undefined ? {} : { permissions: body.permissions }),
      };
      await deps.keys.putIfAbsent(record);
      // The only time the key itself is ever returned: as `key`, and as `api_key` (with `api_key_id`) for Requesty's clients.
      return jsonResponse(201, { ...(await shownKey(deps, record)), key, api_key_id: record.id, api_key: key });
    },
  },
  '/v1/manage/apikey/:id': {
    GET: async (request, deps, { id = '' }) => {
      const record = await existing(deps, await authorizedKeyId(request, deps, id, 'read'));
      // Requesty's older usage call: this path with `?start_date=…`, answering the key's totals.
      if (isDateUsageQuery(request.query)) return jsonResponse(200, await keyUsageByDates(request.query, record.id, deps));
      const shown = await shownKey(deps, record);
      // `self` is Requesty's own call: its numbers as Requesty gives them (a `monthly_limit` of 0 for none).
      return jsonResponse(200, id === selfId ? { ...shown, ...requestyKey(record, shown) } : shown);
    },
    DELETE: async (request, deps, { id = '' }) => {
      const keyId = await authorizedKeyId(request, deps, id, 'write');
      if (!(await deps.keys.delete(pathId(keyId, maxIdLength.key, notFound), 'api'))) throw notFound(keyId);
      return jsonResponse(200, { id: keyId, deleted: true });
    },
  },
  // Requesty's own examples send the query as the body of a GET: both are served, and a GET's query string too.
  '/v1/manage/apikey/:id/usage': { POST: usageOfKey, GET: usageOfKey },
  '/v1/manage/apikey/:id/limit': {
    POST: async (request, deps, { id = '' }) => {
      const keyId = await authorizedKeyId(request, deps, id, 'write');
      const { monthly_limit: limit } = parseBody(request.body, z.object({ monthly_limit: monthlyLimitSchema }).strict());
      return updated(deps, keyId, { monthlyLimit: limitMicros(limit) });
    },
  },
  '/v1/manage/apikey/:id/labels': { POST: updateLabels },
  // Requesty's path for the same.
  '/v1/manage/apikey/:id/label': { POST: updateLabels },
  '/v1/manage/apikey/:id/permissions': {
    POST: async (request, deps, { id = '' }) => {
      const keyId = await authorizedKeyId(request, deps, id, 'write');
      const { permissions } = parseBody(request.body, z.object({ permissions: permissionsSchema }).strict());
      return updated(deps, keyId, { permissions });
    },
  },
  '/v1/manage/apikey/:id/expiry': {
    POST: async (request, deps, { id = '' }) => {
      const keyId = await authorizedKeyId(request, deps, id, 'write');
      const { expires_at: expiresAt } = parseBody(request.body, z.object({ expires_at: expiresAtSchema }).strict());
      return updated(deps, keyId, { expiresAt: expiresAt === null ? null : (futureMillis(expiresAt) ?? null) });
    },
  },
  '/v1/manage/apikey/:id/group': {
    POST: async (request, deps, { id = '' }) => {
      const keyId = await authorizedKeyId(request, deps, id, 'write');
      const { group_id: groupId } = parseBody(request.body, z.object({ group_id: groupIdSchema }).strict());
      return updated(deps, keyId, { groupId: (await existingGroupId(deps, groupId)) ?? null });
    },
  },
  '/v1/manage/apikey/:id/disable': {
    POST: async (request, deps, { id = '' }) => updated(deps, await authorizedKeyId(request, deps, id, 'write'), { disabled: true }),
  },
  '/v1/manage/apikey/:id/enable': {
    POST: async (request, deps, { id = '' }) => updated(deps, await authorizedKeyId(request, deps, id, 'write'), { disabled: false }),
  },
};

async function usageOfKey(request: GatewayRequest, deps: ManagementDeps, { id = '' }: Readonly<Record<string, string>>) {
  // A usage report reads, whichever method carries its query.
  const keyId = await authorizedKeyId(request, deps, id, 'read');
  return jsonResponse(200, await keyUsage(request, (await existing(deps, keyId)).id, deps));
}

async function updateLabels(request: GatewayRequest, deps: ManagementDeps, { id = '' }: Readonly<Record<string, string>>) {
  const keyId = await authorizedKeyId(request, deps, id, 'write');
  const { labels } = parseBody(request.body, z.object({ labels: labelsSchema }).strict());
  return updated(deps, keyId, { labels });
}

/** The path's name for the calling API key (https://docs.requesty.ai/api-reference/endpoint/manage-apikey/manage-api-key-get). */
const selfId = 'self';

/**
 * The id of the key a path names, once the caller may act on it: `self` is the caller's own key,
 * which any API key may read (as on Requesty) and one with the `manage` permission may change;
 * any other key takes the `manage` permission (or a management key).
 */
async function authorizedKeyId(request: GatewayRequest, deps: ManagementDeps, id: string, needed: PermissionLevel): Promise<string> {
  const caller = id === selfId && needed === 'read' ? await authenticateCaller(request, deps) : await authorizeManagement(request, deps, needed);
  if (id !== selfId) return id;
  if (caller.kind !== 'api') {
    throw new GatewayError(404, 'key_not_found', '"self" names the calling API key; this is a management key.', { param: 'id' });
  }
  return caller.id;
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
    monthly_spend: spend?.spend ?? 0,
    permissions: permissionsOf(record),
    // Requesty's flag for keeping prompts and answers: this gateway never logs them.
    logging: false,
    labels: record.labels,
    expires_at: record.expiresAt === undefined ? null : new Date(record.expiresAt).toISOString(),
    disabled: record.disabled,
    created_at: new Date(record.createdAt).toISOString(),
  };
}

/**
 * A key in Requesty's shape (https://docs.requesty.ai/api-reference/endpoint/manage-api-key-list):
 * money as numbers, and a `monthly_limit` of 0 for a key without one, as Requesty shows it.
 */
function requestyKey(record: ApiKeyRecord, spend: { spend?: number } | undefined) {
  return {
    id: record.id,
    name: record.name,
    monthly_limit: dollarsOrNull(record.monthlyLimit) ?? 0,
    monthly_spend: spend?.spend ?? 0,
    permissions: permissionsOf(record),
    labels: record.labels,
    ...(record.groupId === undefined ? {} : { group: { id: record.groupId } }),
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

/** Omitted: the organisation's default for new keys; null (or 0, see monthlyLimitSchema): none. */
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
