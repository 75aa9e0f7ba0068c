import { ProviderError, providerErrorKindForStatus } from '../errors.js';
import { HttpTransportError } from '../../ports/http-client.js';
import { parseRetryAfterMs } from './retry-after.js';

/** What a provider's error body said, in its own terms, once its format is read. */
export interface UpstreamErrorDetails {
  message?: string | null;
  type?: string | null;
  code?: string | null;
  param?: string | null;
}

/**
 * A provider's error status and body as the classified error routing acts on. Only a 4xx or 5xx
 * is relayed as it is: a redirect, or a status a stream's error event made up, is a 502.
 */
export function upstreamError(
  provider: string,
  status: number,
  headers: Record<string, string | undefined>,
  now: number,
  details: UpstreamErrorDetails,
): ProviderError {
  const retryAfterMs = parseRetryAfterMs(headers, now);
  const relayed = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 502;
  return new ProviderError({
    provider,
    kind: providerErrorKindForStatus(relayed),
    status: relayed,
    message: details.message ? providerMessage(provider, details.message) : `${provider} answered with HTTP ${status}.`,
    code: details.code ?? null,
    type: details.type ?? null,
    param: details.param ?? null,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

const maxRelayedMessage = 2_000;

/** A provider's own message, named and cut to a length fit for an error body and a log line. */
export function providerMessage(provider: string, message: string): string {
  return `${provider}: ${message.length <= maxRelayedMessage ? message : `${message.slice(0, maxRelayedMessage)}…`}`;
}

/** A 2xx answer that is not in the provider's format (garbage, HTML, bad JSON, invalid usage). */
export function malformedResponse(provider: string): ProviderError {
  return new ProviderError({
    provider,
    kind: 'server',
    status: 502,
    message: `${provider} returned a response the gateway could not read.`,
  });
}

/** An answer, or one event of a stream, larger than the gateway holds (see upstream-limits.ts). */
export function oversizedResponse(provider: string, what: 'response' | 'stream event', maxBytes: number): ProviderError {
  return new ProviderError({
    provider,
    kind: 'server',
    status: 502,
    message: `${provider} sent a ${what} larger than the gateway reads (${maxBytes / (1024 * 1024)} MiB).`,
  });
}

/** A stream that stopped without its protocol's end marker: it was cut, not finished. */
export function streamEndedEarly(provider: string): ProviderError {
  return new ProviderError({ provider, kind: 'connection', status: 502, message: `${provider}: the stream ended early.` });
}

/** A transport failure as the ProviderError routing acts on; a cancelled call stays as it is. */
export function transportError(provider: string, error: unknown): unknown {
  if (!(error instanceof HttpTransportError)) return error;
  if (error.kind === 'timeout') {
    return new ProviderError({ provider, kind: 'timeout', status: 504, message: `${provider} did not answer in time.` });
  }
  if (error.kind === 'aborted') return error;
  return new ProviderError({
    provider,
    kind: 'connection',
    status: 502,
    message: `Could not reach ${provider}: the connection failed.`,
  });
}
