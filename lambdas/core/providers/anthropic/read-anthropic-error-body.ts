import { safeJson } from '../safe-json.js';
import type { UpstreamErrorDetails } from '../upstream-error.js';
import { anthropicErrorBodySchema } from './anthropic-wire.js';

// https://docs.anthropic.com/en/api/errors
const statusByType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** The HTTP status Anthropic uses for an error type (for errors that arrive inside a stream). */
export function anthropicErrorStatus(type: string): number {
  return statusByType[type] ?? 500;
}

export function readAnthropicErrorBody(body: string): UpstreamErrorDetails {
  const parsed = anthropicErrorBodySchema.safeParse(safeJson(body));
  return parsed.success ? parsed.data.error : {};
}
