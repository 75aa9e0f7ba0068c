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
}

/**
 * Resolves a presented key to its record, keeping recent lookups in memory so the hot path
 * pays a DynamoDB read only once per key per TTL and Lambda instance.
 */
export class Authenticator {
  private readonly cache: TtlCache<ApiKeyRecord | undefined>;
  private readonly inFlight = new Map<string, Promise<ApiKeyRecord | undefined>>();

  constructor(private readonly options: AuthenticatorOptions) {
    this.cache = new TtlCache(options.cacheTtlMs, options.cacheMaxEntries);
  }

  /** Resolves the key to its record if it exists, is enabled, unexpired and of the given kind. */
  async authenticate(presentedKey: string | undefined, kind: KeyKind = 'api'): Promise<ApiKeyRecord> {
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
    if (!record || record.kind !== kind) {
      const what = kind === 'api' ? 'API key' : 'management key';
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

  private async lookup(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const cached = this.cache.get(keyHash, this.options.clock.now());
    if (cached) return cached.value;

    // Concurrent first requests with one key share a single read.
    const pending = this.inFlight.get(keyHash);
    if (pending) return pending;
    const read = this.options.store.findByHash(keyHash).finally(() => this.inFlight.delete(keyHash));
    this.inFlight.set(keyHash, read);
    const record = await read;
    this.cache.set(keyHash, record, this.options.clock.now());
    return record;
  }
}
