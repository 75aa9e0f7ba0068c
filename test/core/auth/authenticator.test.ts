import { describe, expect, it } from 'vitest';
import { hashApiKey, newApiKeyRecord } from '../../../lambdas/core/auth/api-key.js';
import { Authenticator } from '../../../lambdas/core/auth/authenticator.js';
import { StoreUnavailableError } from '../../../lambdas/core/errors.js';
import { codeOf } from '../../support/error-code.js';
import type { ApiKeyRecord, KeyStore } from '../../../lambdas/ports/key-store.js';

/** A counting in-memory store: what is tested here is the cache, not DynamoDB. */
class CountingKeyStore implements Pick<KeyStore, 'findByHash' | 'putIfAbsent'> {
  readonly records = new Map<string, ApiKeyRecord>();
  reads = 0;
  /** Set: reads fail as they do while DynamoDB cannot be reached. */
  down = false;
  async findByHash(keyHash: string) {
    this.reads++;
    if (this.down) throw new StoreUnavailableError('The store is unavailable.', 1);
    return this.records.get(keyHash);
  }
  async putIfAbsent(record: ApiKeyRecord) {
    if (this.records.has(record.keyHash)) return false;
    this.records.set(record.keyHash, record);
    return true;
  }
}

function setup(cacheMaxEntries = 100) {
  const store = new CountingKeyStore();
  const clock = { time: 1_000_000, now: () => clock.time };
  const authenticator = new Authenticator({ store, clock, cacheTtlMs: 10_000, cacheMaxEntries, staleIfErrorMs: 600_000 });
  return { store, clock, authenticator };
}

describe('Authenticator', () => {
  it('reads a key once per TTL and again after it', async () => {
    const { store, clock, authenticator } = setup();
    await store.putIfAbsent(newApiKeyRecord('sb-one', 'one', 0));
    await authenticator.authenticate('sb-one');
    await authenticator.authenticate('sb-one');
    expect(store.reads).toBe(1);
    clock.time += 10_001;
    await authenticator.authenticate('sb-one');
    expect(store.reads).toBe(2);
  });

  it('shares one read between concurrent first requests', async () => {
    const { store, authenticator } = setup();
    await store.putIfAbsent(newApiKeyRecord('sb-one', 'one', 0));
    await Promise.all(Array.from({ length: 20 }, () => authenticator.authenticate('sb-one')));
    expect(store.reads).toBe(1);
  });

  it('sees a revocation once the cached lookup expires', async () => {
    const { store, clock, authenticator } = setup();
    const record = newApiKeyRecord('sb-one', 'one', 0);
    await store.putIfAbsent(record);
    await authenticator.authenticate('sb-one');
    store.records.set(record.keyHash, { ...record, disabled: true });
    await authenticator.authenticate('sb-one');
    clock.time += 10_001;
    expect(await codeOf(authenticator.authenticate('sb-one'))).toBe('401 api_key_disabled');
  });

  it('refuses missing, unknown and expired keys with 401', async () => {
    const { store, clock, authenticator } = setup();
    await store.putIfAbsent({ ...newApiKeyRecord('sb-old', 'old', 0), expiresAt: clock.time + 5 });
    expect(await codeOf(authenticator.authenticate(undefined))).toBe('401 missing_api_key');
    expect(await codeOf(authenticator.authenticate('sb-nope'))).toBe('401 invalid_api_key');
    expect(await codeOf(authenticator.authenticate('sb-old'))).toBeUndefined();
    clock.time += 5;
    expect(await codeOf(authenticator.authenticate('sb-old'))).toBe('401 api_key_expired');
  });

  it('keeps at most the configured number of entries', async () => {
    const { store, authenticator } = setup(2);
    for (const key of ['sb-a', 'sb-b', 'sb-c']) await codeOf(authenticator.authenticate(key));
    expect(store.reads).toBe(3);
    await codeOf(authenticator.authenticate('sb-c'));
    expect(store.reads).toBe(3);
    await codeOf(authenticator.authenticate('sb-a'));
    expect(store.reads).toBe(4);
  });

  it('while the store is unavailable, accepts keys seen within the stale-if-error window and answers 503 (not 401) for others', async () => {
    const { store, clock, authenticator } = setup();
    await store.putIfAbsent(newApiKeyRecord('sb-recent', 'recent', 0));
    await store.putIfAbsent(newApiKeyRecord('sb-old', 'old', 0));
    await authenticator.authenticate('sb-old');
    clock.time += 100_000;
    await authenticator.authenticate('sb-recent');
    expect(await codeOf(authenticator.authenticate('sb-unknown'))).toBe('401 invalid_api_key');
    store.down = true;
    clock.time += 510_001;
    expect(await codeOf(authenticator.authenticate('sb-recent'))).toBeUndefined();
    expect(await codeOf(authenticator.authenticate('sb-unknown'))).toBe('401 invalid_api_key');
    expect(await codeOf(authenticator.authenticate('sb-old'))).toBe('503 store_unavailable');
    expect(await codeOf(authenticator.authenticate('sb-never-seen'))).toBe('503 store_unavailable');
    store.down = false;
    expect(await codeOf(authenticator.authenticate('sb-old'))).toBeUndefined();
    expect(await codeOf(authenticator.authenticate('sb-never-seen'))).toBe('401 invalid_api_key');
  });

  it('keeps refusing a disabled or expired key from its stale record', async () => {
    const { store, clock, authenticator } = setup();
    await store.putIfAbsent({ ...newApiKeyRecord('sb-off', 'off', 0), disabled: true });
    await store.putIfAbsent({ ...newApiKeyRecord('sb-ending', 'ending', 0), expiresAt: clock.time + 20_000 });
    expect(await codeOf(authenticator.authenticate('sb-off'))).toBe('401 api_key_disabled');
    expect(await codeOf(authenticator.authenticate('sb-ending'))).toBeUndefined();
    store.down = true;
    clock.time += 20_000;
    expect(await codeOf(authenticator.authenticate('sb-off'))).toBe('401 api_key_disabled');
    expect(await codeOf(authenticator.authenticate('sb-ending'))).toBe('401 api_key_expired');
  });

  it('hashes keys with SHA-256', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
