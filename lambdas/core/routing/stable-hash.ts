/**
 * A point in [0, 1) for a text: FNV-1a over its UTF-16 code units, then murmur3's 32-bit
 * finalizer (fmix32). FNV-1a alone moves the result by about 1/256 per unit of the last
 * character, so ids that differ only at the end (`trace-41`, `trace-42`) land next to each other
 * and a weighted pick gives whole runs of them to one model; the finalizer spreads every input
 * bit over the whole word. Pure integer arithmetic with fixed constants: the same text gives the
 * same point in every process, on every instance, and in every release, so one trace id keeps
 * one model. Changing it would move conversations between models, so treat it as frozen.
 */
export function stableUnitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}
