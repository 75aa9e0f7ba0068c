import { toOpenAIError } from '../openai-error-body.js';

// https://docs.anthropic.com/en/api/errors
function typeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529 || status === 503) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/**
 * Anthropic's error shape, `{"type": "error", "error": {"type", "message"}}`, for any failure on
 * /v1/messages. Status, headers and redaction are the OpenAI path's, so both APIs agree.
 */
export function toAnthropicError(
  error: unknown,
  knownSecrets: readonly string[],
): { status: number; headers: Record<string, string>; body: { type: 'error'; error: { type: string; message: string } } } {
  const { status, headers, body } = toOpenAIError(error, knownSecrets);
  return { status, headers, body: { type: 'error', error: { type: typeForStatus(status), message: body.error.message } } };
}
