import type { Usage } from '../schemas/openai-chat-response.js';
import type { CatalogEntry } from './catalog-schema.js';

/**
 * The cost of a request in integer micro-dollars, from the usage the provider reported and the
 * catalog's prices. A price in dollars per million tokens is a price in micro-dollars per token,
 * so no division is needed. Cached reads and cache writes have their own prices (the input
 * price where the catalog has none); reasoning tokens are part of completion tokens, at the
 * output price. `markup` is a fraction (0.05 for 5%); the total is rounded up to a whole
 * micro-dollar.
 */
export function requestCostMicros(usage: Usage, entry: CatalogEntry, markup: number): number {
  const details = (usage.prompt_tokens_details ?? {}) as { cached_tokens?: number; cache_creation_tokens?: number };
  const cacheRead = details.cached_tokens ?? 0;
  const cacheWrite = details.cache_creation_tokens ?? 0;
  const freshInput = Math.max(0, usage.prompt_tokens - cacheRead - cacheWrite);
  const { input, output, cache_read: cacheReadPrice, cache_write: cacheWritePrice } = entry.pricing;
  // Integers throughout: nano-dollars per token (prices have at most three decimals) and basis
  // points of markup, so that 1,000 tokens at $0.15 is exactly 150 micro-dollars.
  const nanos = (tokens: number, price: number) => BigInt(tokens) * BigInt(Math.round(price * 1000));
  const raw =
    nanos(freshInput, input) +
    nanos(cacheRead, cacheReadPrice ?? input) +
    nanos(cacheWrite, cacheWritePrice ?? input) +
    nanos(usage.completion_tokens, output);
  const withMarkup = raw * BigInt(10_000 + Math.round(markup * 10_000));
  const divisor = 10_000n * 1_000n;
  return Number((withMarkup + divisor - 1n) / divisor);
}

/** Micro-dollars as the US-dollar number the public API uses. */
export function microsToDollars(micros: number): number {
  return micros / 1_000_000;
}

/** What the same usage would have cost with no cache: cache reads and writes at the input price. */
export function uncachedCostMicros(usage: Usage, entry: CatalogEntry, markup: number): number {
  return requestCostMicros(usage, { ...entry, pricing: { ...entry.pricing, cache_read: null, cache_write: null } }, markup);
}
