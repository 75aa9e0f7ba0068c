import { GatewayError } from '../../lambdas/core/errors.js';

/** `"<status> <code>"` of the GatewayError a promise rejects with (else the error as text); undefined when it resolves. */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof GatewayError ? `${error.status} ${error.code}` : String(error)),
  );
}
