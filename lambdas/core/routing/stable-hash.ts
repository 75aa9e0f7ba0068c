/**
 * FNV-1a over UTF-16 code units, mapped to [0, 1). Stable across processes and releases, so one
 * trace id keeps one model on every Lambda instance.
 */
export function stableUnitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x1_0000_0000;
}
