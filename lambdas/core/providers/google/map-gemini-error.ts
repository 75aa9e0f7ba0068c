import { ProviderError, providerErrorKindForStatus } from '../../errors.js';
import { parseRetryAfterMs } from '../retry-after.js';
import { safeJson } from '../safe-json.js';
import { geminiErrorBodySchema } from './gemini-wire.js';

// https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
export function geminiError(provider: string, status: number, message: string, type: string | undefined, retryAfterMs?: number): ProviderError {
  return new ProviderError({
    provider,
    kind: providerErrorKindForStatus(status),
    status,
    message: `${provider}: ${message}`,
    type: type ?? null,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export function mapGeminiError(
  provider: string,
  status: number,
  headers: Record<string, string | undefined>,
  body: string,
  now: number,
): ProviderError {
  const parsed = geminiErrorBodySchema.safeParse(safeJson(body));
  const message = parsed.success ? parsed.data.error.message : `answered with HTTP ${status}.`;
  return geminiError(provider, status, message, parsed.success ? parsed.data.error.status : undefined, parseRetryAfterMs(headers, now));
}
