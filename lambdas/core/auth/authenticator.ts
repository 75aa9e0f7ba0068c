import { GatewayError } from '../errors.js';
import type { ApiKeyRecord, KeyKind, KeyStore } from '../../ports/key-store.js';
import type { Clock } from '../../ports/clock.js';
import { TtlCache } from '../ttl-cache.js';
import { hashApiKey } from './api-key.js';

export interface AuthenticatorOptions {
  store: Pick<KeyStore, 'findByHash'>;
  clock: Clock;
  /** How long a lookup (found or not) is trusted; this bounds how late a revocation bites. */
  cacheTtlMs: number;
  /** Bounds memory when callers try many random keys. */
  cacheMaxEntries: number;
  /**
   * How long past `cacheTtlMs` a lookup is still trusted while the key store is unavailable, so
   * an outage turns away only keys not seen within that time (with 503, not 401). Default 0.
   */
  staleIfErrorMs?: number;
}

/**
 * Resolves a presented key to its record, keeping recent lookups in memory so the hot path
 * pays a DynamoDB read only once per key per TTL and Lambda instance (concurrent first requests
 * with one key share that read).
 */
export class Authenticator {
  private readonly cache: TtlCache<ApiKeyRecord | undefined>;

  constructor(private readonly options: AuthenticatorOptions) {
    this.cache = new TtlCache(options.cacheTtlMs, options.cacheMaxEntries, options.staleIfErrorMs);
  }

  /**
   * Resolves the key to its record if it exists, is enabled, unexpired and of the given kind
   * (`any`: either, for the management API, which API keys with the `manage` permission reach too).
   */
  async authenticate(presentedKey: string | undefined, kind: KeyKind | 'any' = 'api'): Promise<ApiKeyRecord> {
    if (!presentedKey) {
      throw new GatewayError(
        401,
        'missing_api_key',
        'Missing API key. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".',
        { type: 'authentication_error' },
      );
    }
    const record = await this.lookup(hashApiKey(presentedKey));
    const now = this.options.clock.now();
    if (!record || (kind !== 'any' && record.kind !== kind)) {
      const what = { api: 'API key', management: 'management key', any: 'key' }[kind];
      throw new GatewayError(401, 'invalid_api_key', `Invalid ${what}.`, { type: 'authentication_error' });
    }
    if (record.disabled) {
      throw new GatewayError(401, 'api_key_disabled', 'This API key is disabled.', { type: 'authentication_error' });
    }
    if (record.expiresAt !== undefined && record.expiresAt <= now) {
      throw new GatewayError(401, 'api_key_expired', 'This API key has expired.', { type: 'authentication_error' });
    }
    return record;
  }

  private lookup(keyHash: string): Promise<ApiKeyRecord | undefined> {
    return this.cache.through(keyHash, this.options.clock, () => this.options.store.findByHash(keyHash));
  }
}
