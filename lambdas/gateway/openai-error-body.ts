import { GatewayError } from '../core/errors.js';
import { redactSecrets } from '../core/redact.js';

export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

/** The OpenAI `type` a status implies when the error does not carry its own. */
function typeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * Anything thrown on a request becomes OpenAI's error shape here and only here. Unexpected
 * errors are reported as a generic 500 so internals never leak to clients.
 */
export function toOpenAIError(
  error: unknown,
  knownSecrets: readonly string[],
): { status: number; headers: Record<string, string>; body: OpenAIErrorBody } {
  const known = error instanceof GatewayError ? error : undefined;
  const status = known?.status ?? 500;
  // A provider's error fields are relayed, and a provider may quote the key it was sent in any of them.
  const redact = <T extends string | null | undefined>(text: T) => (typeof text === 'string' ? redactSecrets(text, knownSecrets) : text);
  return {
    status,
    headers: known?.headers ?? {},
    body: {
      error: {
        message: known ? redact(known.message) : 'The gateway failed unexpectedly.',
        type: redact(known?.type) ?? typeForStatus(status),
        code: redact(known?.code) ?? 'internal_error',
        param: redact(known?.param) ?? null,
      },
    },
  };
}
