import type { HttpResponse } from '../../ports/http-client.js';
import type { ProviderCall } from './provider.js';
import { readBodyText } from './read-upstream-body.js';
import { transportError, upstreamError, type UpstreamErrorDetails } from './upstream-error.js';
import { maxErrorBodyBytes } from './upstream-limits.js';

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** Reads what a provider's error body says; the status and headers classify it (upstream-error.ts). */
export type ErrorBodyReader = (body: string) => UpstreamErrorDetails;

/**
 * Sends one request upstream and returns the response once its status is known to be 2xx.
 * Transport failures and error statuses become ProviderErrors here, once, for every provider.
 */
export async function callUpstream(
  provider: string,
  request: UpstreamRequest,
  call: ProviderCall,
  readErrorBody: ErrorBodyReader,
): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await call.http({
      url: request.url,
      method: 'POST',
      headers: request.headers,
      ...(typeof request.body === 'string' ? { body: request.body } : { bodyBytes: request.body }),
      ...(call.signal ? { signal: call.signal } : {}),
      headersTimeoutMs: call.headersTimeoutMs,
      idleTimeoutMs: call.idleTimeoutMs,
      deadlineAt: call.deadlineAt,
    });
  } catch (error) {
    throw transportError(provider, error);
  }
  if (response.status >= 200 && response.status < 300) return response;
  // The status classifies the failure; a body that is too large, or cut, only loses its message.
  const body = await readBodyText(response.body, maxErrorBodyBytes).catch(() => undefined);
  throw upstreamError(provider, response.status, response.headers, call.clock.now(), readErrorBody(body ?? ''));
}
