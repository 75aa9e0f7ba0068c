import { describe, expect, it } from 'vitest';
import { GatewayError, StoreUnavailableError } from '../../lambdas/core/errors.js';
import { TtlCache } from '../../lambdas/core/ttl-cache.js';

/** A store the test turns off and on, counting reads; `value` is what it answers. */
function fakeStore() {
  const store = {
    value: 'v1',
    down: false,
    reads: 0,
    read: async () => {
      store.reads++;
      if (store.down) throw new StoreUnavailableError('store down', 1);
      return store.value;
    },
  };
  return store;
}

function setup() {
  const clock = { time: 1_000_000, now: () => clock.time };
  // Fresh for 10 s, then served for 60 s more while the store is unavailable.
  const cache = new TtlCache<string>(10_000, 100, 60_000);
  return { clock, cache, store: fakeStore() };
}

async function outcome(promise: Promise<string>): Promise<string> {
  return promise.then(
    (value) => value,
    (error: unknown) => (error instanceof GatewayError ? `${error.status} ${error.code}` : String(error)),
  );
}

describe('TtlCache', () => {
  it('reads once per TTL, and concurrent misses share one read', async () => {
    const { clock, cache, store } = setup();
    await Promise.all(Array.from({ length: 10 }, () => cache.through('k', clock, store.read)));
    await cache.through('k', clock, store.read);
    expect(store.reads).toBe(1);
    clock.time += 10_000;
    store.value = 'v2';
    expect(await cache.through('k', clock, store.read)).toBe('v2');
    expect(store.reads).toBe(2);
  });

  it('serves the last value read while the store is unavailable, up to the stale-if-error window past the TTL', async () => {
    const { clock, cache, store } = setup();
    await cache.through('k', clock, store.read);
    store.down = true;
    clock.time += 10_000;
    expect(await cache.through('k', clock, store.read)).toBe('v1');
    // Each request still asks the store first: the first to succeed refreshes the entry.
    expect(store.reads).toBe(2);
    clock.time += 59_999;
    expect(await cache.through('k', clock, store.read)).toBe('v1');
    clock.time += 1;
    expect(await outcome(cache.through('k', clock, store.read))).toBe('503 store_unavailable');
  });

  it('fails with the store error for a key it never read', async () => {
    const { clock, cache, store } = setup();
    store.down = true;
    expect(await outcome(cache.through('never', clock, store.read))).toBe('503 store_unavailable');
  });

  it('takes the store answer again, fresh, once the store is back', async () => {
    const { clock, cache, store } = setup();
    await cache.through('k', clock, store.read);
    store.down = true;
    clock.time += 30_000;
    expect(await cache.through('k', clock, store.read)).toBe('v1');
    store.down = false;
    store.value = 'v2';
    expect(await cache.through('k', clock, store.read)).toBe('v2');
    store.down = true;
    // Served from the refreshed entry: its windows start at the new read.
    clock.time += 69_999;
    expect(await cache.through('k', clock, store.read)).toBe('v2');
  });

  it('does not hide failures other than an unavailable store', async () => {
    const { clock, cache, store } = setup();
    await cache.through('k', clock, store.read);
    clock.time += 10_000;
    const broken = async (): Promise<string> => {
      throw new GatewayError(400, 'invalid_request', 'bad');
    };
    expect(await outcome(cache.through('k', clock, broken))).toBe('400 invalid_request');
  });

  it('serves nothing stale without a stale-if-error window', async () => {
    const clock = { time: 0, now: () => clock.time };
    const cache = new TtlCache<string>(10_000, 100);
    const store = fakeStore();
    await cache.through('k', clock, store.read);
    store.down = true;
    clock.time += 10_000;
    expect(await outcome(cache.through('k', clock, store.read))).toBe('503 store_unavailable');
  });
});
