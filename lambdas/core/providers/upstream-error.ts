import { ProviderError, providerErrorKindForStatus } from '../errors.js';
import { parseRetryAfterMs } from './retry-after.js';

/** What a provider's error body said, in its own terms, once its format is read. */
export interface UpstreamErrorDetails {
  message?: string | null;
  type?: string | null;
  code?: string | null;
  param?: string | null;
}

/** A provider's error status and body as the classified error routing acts on. */
export function upstreamError(
  provider: string,
  status: number,
  headers: Record<string, string | undefined>,
  now: number,
  details: UpstreamErrorDetails,
): ProviderError {
  const retryAfterMs = parseRetryAfterMs(headers, now);
  return new ProviderError({
    provider,
    kind: providerErrorKindForStatus(status),
    status,
    message: details.message ? `${provider}: ${details.message}` : `${provider} answered with HTTP ${status}.`,
    code: details.code ?? null,
    type: details.type ?? null,
    param: details.param ?? null,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
