import { GatewayError } from '../core/errors.js';
import { redactKnownSecrets, redactSecrets } from '../core/redact.js';

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
  // A provider's error fields are relayed, and a provider may quote the key it was sent in any of
  // them; `type` and `code` are identifiers (`key_not_found`), so only known secrets go from those.
  const identifier = (text: string | undefined) => (text === undefined ? undefined : redactKnownSecrets(text, knownSecrets));
  return {
    status,
    headers: known?.headers ?? {},
    body: {
      error: {
        message: known ? redactSecrets(known.message, knownSecrets) : 'The gateway failed unexpectedly.',
        type: identifier(known?.type) ?? typeForStatus(status),
        code: identifier(known?.code) ?? 'internal_error',
        param: known?.param ? redactSecrets(known.param, knownSecrets) : null,
      },
    },
  };
}
