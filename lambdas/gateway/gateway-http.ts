/** The runtime-neutral request the gateway serves; handlers build it from a Lambda event. */
export interface GatewayRequest {
  method: string;
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  body: string;
  /** The body's bytes, when it came base64-encoded (binary, as multipart uploads): `body` is then lossy. */
  bodyBytes?: Buffer;
  requestId: string;
  /** Aborted when the client goes away, from the moment the request arrived. */
  clientSignal?: AbortSignal;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  /** A string is sent whole; an iterable is streamed piece by piece as it yields. */
  body: string | AsyncIterable<string>;
  /** Stops upstream work when the client goes away before the body is done. */
  cancel?: () => void;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): GatewayResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** Server-sent events, unbuffered by proxies on the way. */
export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};
