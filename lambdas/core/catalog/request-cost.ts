import { builtinToolSchema, type BuiltinToolCalls, type Usage } from '../schemas/openai-chat-response.js';
import type { CatalogEntry, Pricing, ToolCallPrices } from './catalog-schema.js';

/**
 * The cost of a request in integer micro-dollars, from the usage the provider reported and the
 * catalog's prices (a long-context tier's when the prompt passes it). A price in dollars per
 * million tokens is a price in micro-dollars per token. Cached reads and cache writes have their own prices (the input
 * price where the catalog has none); reasoning tokens are part of completion tokens, at the
 * output price unless the catalog prices them apart. Calls of built-in tools (web search) are
 * added at the catalog's price per thousand calls (nothing where it has none). `markup` is a fraction (0.05 for 5%); the total is rounded up to a whole
 * micro-dollar.
 */
export function requestCostMicros(usage: Usage, entry: CatalogEntry, markup: number): number {
  const details = (usage.prompt_tokens_details ?? {}) as { cached_tokens?: number; cache_creation_tokens?: number };
  const cacheRead = details.cached_tokens ?? 0;
  const cacheWrite = details.cache_creation_tokens ?? 0;
  const freshInput = Math.max(0, usage.prompt_tokens - cacheRead - cacheWrite);
  const prices = pricesFor(entry.pricing, usage.prompt_tokens);
  const reasoningPrice = entry.pricing.reasoning ?? null;
  const reasoningTokens =
    reasoningPrice === null ? 0 : Math.min(usage.completion_tokens, (usage.completion_tokens_details as { reasoning_tokens?: number } | undefined)?.reasoning_tokens ?? 0);
  // Integers throughout: pico-dollars per token (prices have at most six decimals) and basis
  // points of markup, so that 1,000 tokens at $0.15 is exactly 150 micro-dollars.
  const picos = (tokens: number, price: number) => BigInt(tokens) * BigInt(Math.round(price * 1_000_000));
  const raw =
    picos(freshInput, prices.input) +
    picos(cacheRead, prices.cache_read ?? prices.input) +
    picos(cacheWrite, prices.cache_write ?? prices.input) +
    picos(usage.completion_tokens - reasoningTokens, prices.output) +
    picos(reasoningTokens, reasoningPrice ?? prices.output) +
    toolCallPicos(usage.builtin_tool_calls, entry.pricing.tool_calls);
  const withMarkup = raw * BigInt(10_000 + Math.round(markup * 10_000));
  const divisor = 10_000n * 1_000_000n;
  return Number((withMarkup + divisor - 1n) / divisor);
}

/** Built-in tool calls in pico-dollars: a price per thousand calls is a price in nano-dollars per call. */
function toolCallPicos(calls: BuiltinToolCalls | null | undefined, prices: ToolCallPrices | undefined): bigint {
  let total = 0n;
  for (const tool of builtinToolSchema.options) total += BigInt(calls?.[tool] ?? 0) * BigInt(Math.round((prices?.[tool] ?? 0) * 1_000_000_000));
  return total;
}

/** The token prices a request of `promptTokens` pays: the last long-context tier it passes, else the base prices. */
function pricesFor(pricing: Pricing, promptTokens: number): Omit<Pricing, 'tiers' | 'reasoning'> {
  let prices: Omit<Pricing, 'tiers' | 'reasoning'> = pricing;
  for (const tier of pricing.tiers ?? []) if (promptTokens > tier.above_input_tokens) prices = tier;
  return prices;
}

/** Micro-dollars as the US-dollar number the public API uses. */
export function microsToDollars(micros: number): number {
  return micros / 1_000_000;
}

/** What the same usage would have cost with no cache: cache reads and writes at the input price. */
export function uncachedCostMicros(usage: Usage, entry: CatalogEntry, markup: number): number {
  const { tiers, ...base } = entry.pricing;
  const pricing: Pricing = { ...base, cache_read: null, cache_write: null };
  if (tiers) pricing.tiers = tiers.map((tier) => ({ ...tier, cache_read: null, cache_write: null }));
  return requestCostMicros(usage, { ...entry, pricing }, markup);
}
