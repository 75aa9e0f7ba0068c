import type { Clock } from '../ports/clock.js';
import { StoreUnavailableError } from './errors.js';

interface Entry<V> {
  value: V;
  storedAt: number;
}

/**
 * A bounded map whose entries expire: what the hot path uses to avoid a DynamoDB read per
 * request while still seeing changes within `ttlMs`. When full, the oldest entry goes first.
 *
 * Stale-if-error: while the store is unavailable, an entry up to `staleIfErrorMs` past its TTL
 * is served instead of the failure, so an outage does not turn away what was read recently;
 * anything older, or never read, fails with the store's error.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly staleIfErrorMs = 0,
  ) {}

  /** The entry, or undefined when absent or expired (a stored undefined is a miss too). */
  get(key: string, now: number): { value: V } | undefined {
    const entry = this.entries.get(key);
    return entry && entry.storedAt + this.ttlMs > now ? { value: entry.value } : undefined;
  }

  set(key: string, value: V, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Map iteration is insertion order, so the first key is the least recently stored.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, storedAt: now });
  }

  /**
   * The cached value, or what `load` gives, cached from then on. Concurrent misses of one key
   * share a single load. When the load fails because the store is unavailable, an entry still
   * within its stale-if-error window is the answer.
   */
  async through(key: string, clock: Clock, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key, clock.now());
    if (hit) return hit.value;
    try {
      return await this.shared(key, clock, load);
    } catch (error) {
      const stale = error instanceof StoreUnavailableError ? this.stale(key, clock.now()) : undefined;
      if (stale) return stale.value;
      throw error;
    }
  }

  private stale(key: string, now: number): { value: V } | undefined {
    const entry = this.entries.get(key);
    return entry && entry.storedAt + this.ttlMs + this.staleIfErrorMs > now ? { value: entry.value } : undefined;
  }

  private shared(key: string, clock: Clock, load: () => Promise<V>): Promise<V> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loaded = load()
      .then((value) => {
        this.set(key, value, clock.now());
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, loaded);
    return loaded;
  }
}
