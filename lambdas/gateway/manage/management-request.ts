import type { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import type { GatewayRequest } from '../gateway-http.js';
import { presentedKey } from '../presented-key.js';
import type { ManagementDeps } from './management-deps.js';

/** Every management call needs a management key; API keys are refused. */
export async function authorizeManagement(request: GatewayRequest, deps: ManagementDeps): Promise<void> {
  await deps.authenticator.authenticate(presentedKey(request.headers), 'management');
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
