/**
 * The gateway's closed error vocabulary. Everything that can go wrong on a request ends up as a
 * GatewayError; only the edge (see gateway/error-response.ts) turns it into a wire body.
 */
export type GatewayErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'missing_api_key'
  | 'invalid_api_key'
  | 'api_key_disabled'
  | 'api_key_expired'
  | 'model_not_found'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'upstream_unavailable'
  | 'provider_misconfigured'
  | 'store_unavailable'
  | 'internal_error';

export interface GatewayErrorOptions {
  param?: string | null;
  /** OpenAI error `type`; derived from the status when absent. */
  type?: string;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly param: string | null;
  readonly type: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: GatewayErrorCode | string,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.param = options.param ?? null;
    this.type = options.type;
    this.headers = options.headers ?? {};
  }
}

/**
 * The gateway's own store (DynamoDB) could not be reached, did not answer in time, or refused for
 * load. Always worth retrying, after `retry-after` seconds; caches may answer from what they last
 * read instead (see ttl-cache.ts).
 */
export class StoreUnavailableError extends GatewayError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    cause?: unknown,
  ) {
    super(503, 'store_unavailable', message, { headers: { 'retry-after': String(retryAfterSeconds) }, cause });
    this.name = 'StoreUnavailableError';
  }
}

/** How an upstream failure is classified; routing decides retries from this alone. */
export type ProviderErrorKind =
  | 'auth'
  | 'bad_request'
  | 'not_found'
  | 'rate_limit'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'connection';

const retryableKinds: ReadonlySet<ProviderErrorKind> = new Set([
  'rate_limit',
  'overloaded',
  'server',
  'timeout',
  'connection',
]);

export interface ProviderErrorInit {
  provider: string;
  kind: ProviderErrorKind;
  status: number;
  message: string;
  code?: string | null;
  type?: string | null;
  param?: string | null;
  retryAfterMs?: number;
}

export class ProviderError extends GatewayError {
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(init: ProviderErrorInit) {
    const headers: Record<string, string> = {};
    if (init.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(init.retryAfterMs / 1000));
    super(init.status, init.code ?? defaultCodeFor(init.kind), init.message, {
      param: init.param ?? null,
      ...(init.type ? { type: init.type } : {}),
      headers,
    });
    this.name = 'ProviderError';
    this.provider = init.provider;
    this.kind = init.kind;
    this.retryable = retryableKinds.has(init.kind);
    this.retryAfterMs = init.retryAfterMs;
  }
}

function defaultCodeFor(kind: ProviderErrorKind): string {
  if (kind === 'timeout') return 'upstream_timeout';
  if (kind === 'connection') return 'upstream_unavailable';
  return 'upstream_error';
}

/** Maps an HTTP status from a provider to the kind routing acts on. */
export function providerErrorKindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  return 'bad_request';
}
