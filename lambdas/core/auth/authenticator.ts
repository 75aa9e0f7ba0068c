import { GatewayError } from '../errors.js';
import type { ApiKeyRecord, KeyStore } from '../../ports/key-store.js';
import type { Clock } from '../../ports/clock.js';
import { hashApiKey } from './api-key.js';

export interface AuthenticatorOptions {
  store: KeyStore;
  clock: Clock;
  /** How long a lookup (found or not) is trusted; this bounds how late a revocation bites. */
  cacheTtlMs: number;
  /** Bounds memory when callers try many random keys. */
  cacheMaxEntries: number;
}

interface CacheEntry {
  record: ApiKeyRecord | undefined;
  expiresAt: number;
}

/**
 * Resolves a presented key to its record, keeping recent lookups in memory so the hot path
 * pays a DynamoDB read only once per key per TTL and Lambda instance.
 */
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<ApiKeyRecord | undefined>>();

  constructor(private readonly options: AuthenticatorOptions) {}

  async authenticate(presentedKey: string | undefined): Promise<ApiKeyRecord> {
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
    if (!record) throw new GatewayError(401, 'invalid_api_key', 'Invalid API key.', { type: 'authentication_error' });
    if (record.disabled) {
      throw new GatewayError(401, 'api_key_disabled', 'This API key is disabled.', { type: 'authentication_error' });
    }
    if (record.expiresAt !== undefined && record.expiresAt <= now) {
      throw new GatewayError(401, 'api_key_expired', 'This API key has expired.', { type: 'authentication_error' });
    }
    return record;
  }

  private async lookup(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const now = this.options.clock.now();
    const cached = this.cache.get(keyHash);
    if (cached && cached.expiresAt > now) return cached.record;

    // Concurrent first requests with one key share a single read.
    const pending = this.inFlight.get(keyHash);
    if (pending) return pending;
    const read = this.options.store.findByHash(keyHash).finally(() => this.inFlight.delete(keyHash));
    this.inFlight.set(keyHash, read);
    const record = await read;
    this.remember(keyHash, record, this.options.clock.now());
    return record;
  }

  private remember(keyHash: string, record: ApiKeyRecord | undefined, now: number): void {
    this.cache.delete(keyHash);
    if (this.cache.size >= this.options.cacheMaxEntries) {
      // Map iteration is insertion order, so the first key is the least recently stored.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(keyHash, { record, expiresAt: now + this.options.cacheTtlMs });
  }
}
