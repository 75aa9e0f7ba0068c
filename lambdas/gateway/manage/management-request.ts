import type { z } from 'zod';
import { requirePermission, type PermissionLevel } from '../../core/auth/key-permissions.js';
import { GatewayError } from '../../core/errors.js';
import type { ApiKeyRecord } from '../../ports/key-store.js';
import type { GatewayRequest } from '../gateway-http.js';
import { presentedKey } from '../presented-key.js';
import type { ManagementDeps } from './management-deps.js';

/**
 * Every management call needs a management key, or (as on Requesty) an API key given the
 * `manage` permission: `read` for reading (GETs, usage and analytics reports), `write` for the
 * rest. A key that is no key is refused with 401; a valid API key without enough of it (`none`
 * included) with 403 `permission_denied`: it is known, just not allowed. Resolves with the caller's key.
 */
export async function authorizeManagement(
  request: GatewayRequest,
  deps: ManagementDeps,
  needed: PermissionLevel = request.method === 'GET' ? 'read' : 'write',
): Promise<ApiKeyRecord> {
  const caller = await authenticateCaller(request, deps);
  requirePermission(caller, 'manage', needed);
  return caller;
}

/** The calling key, management or API, whatever its permissions (for what any key may ask about itself). */
export function authenticateCaller(request: GatewayRequest, deps: ManagementDeps): Promise<ApiKeyRecord> {
  return deps.authenticator.authenticate(presentedKey(request.headers), 'any');
}

export function parseQuery<Schema extends z.ZodType>(query: GatewayRequest['query'], schema: Schema): z.infer<Schema> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // A query parameter is named by its name (an unknown one too); a list's entry at fault is said in the message.
  const [name, ...within] = issue?.code === 'unrecognized_keys' ? issue.keys : (issue?.path ?? []);
  const param = name === undefined ? null : String(name);
  const entry = typeof within[0] === 'number' ? ` (its entry number ${within[0] + 1})` : '';
  throw new GatewayError(400, 'invalid_request', `Invalid query parameter ${param ?? ''}${entry}: ${issue?.message ?? ''}`, { param });
}

/** Longest ids the API accepts anywhere: key ids (as `api_key_id`), group ids, member user ids. */
export const maxIdLength = { key: 128, group: 64, member: 256 } as const;

/**
 * An id in a path that is longer than any the API accepts names nothing. Checked before the
 * store, which would refuse such a key with an error (DynamoDB: 1 KB sort keys) rather than a miss.
 */
export function pathId(id: string, maxLength: number, notFound: (id: string) => GatewayError): string {
  if (id.length > maxLength) throw notFound(id);
  return id;
}
