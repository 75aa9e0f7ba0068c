import type { Clock } from '../ports/clock.js';

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A bounded map whose entries expire: what the hot path uses to avoid a DynamoDB read per
 * request while still seeing changes within `ttlMs`. When full, the oldest entry goes first.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** The entry, or undefined when absent or expired (a stored undefined is a miss too). */
  get(key: string, now: number): { value: V } | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > now ? { value: entry.value } : undefined;
  }

  set(key: string, value: V, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Map iteration is insertion order, so the first key is the least recently stored.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
  }

  /** The cached value, or what `load` gives, cached from then on. */
  async through(key: string, clock: Clock, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key, clock.now());
    if (hit) return hit.value;
    const value = await load();
    this.set(key, value, clock.now());
    return value;
  }
}
