import { ProviderError } from '../errors.js';
import { HttpTransportError, type HttpResponse } from '../../ports/http-client.js';
import type { ProviderCall } from './provider.js';
import { upstreamError, type UpstreamErrorDetails } from './upstream-error.js';

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
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
      body: request.body,
      ...(call.signal ? { signal: call.signal } : {}),
      firstByteTimeoutMs: call.firstByteTimeoutMs,
      idleTimeoutMs: call.idleTimeoutMs,
    });
  } catch (error) {
    throw transportError(provider, error);
  }
  if (response.status >= 200 && response.status < 300) return response;
  const body = await response.text().catch(() => '');
  throw upstreamError(provider, response.status, response.headers, call.clock.now(), readErrorBody(body));
}

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

/** Streams an upstream body, classifying a reset or a stall mid-body like any other failure. */
export async function* upstreamBody(provider: string, response: HttpResponse): AsyncGenerator<Uint8Array> {
  try {
    yield* response.body;
  } catch (error) {
    throw transportError(provider, error);
  }
}

/** Reads an upstream body that must be JSON, classifying garbage as a server fault. */
export async function readJson(provider: string, response: HttpResponse): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw transportError(provider, error);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw malformedResponse(provider);
  }
}

export function malformedResponse(provider: string): ProviderError {
  return new ProviderError({
    provider,
    kind: 'server',
    status: 502,
    message: `${provider} returned a response the gateway could not read.`,
  });
}
