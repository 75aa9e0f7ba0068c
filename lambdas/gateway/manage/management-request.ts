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
  const param = issue?.path.join('.') || null;
  throw new GatewayError(400, 'invalid_request', `Invalid query parameter ${param ?? ''}: ${issue?.message ?? ''}`, { param });
}
