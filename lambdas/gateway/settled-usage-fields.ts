import { pricedEntry } from '../core/catalog/priced-entry.js';
import { microsToDollars, requestCostMicros, uncachedCostMicros } from '../core/catalog/request-cost.js';
import type { Usage } from '../core/schemas/openai-chat-response.js';
import type { GatewayDeps } from './gateway-config.js';

/** What the gateway adds to an answer's usage, in US dollars. */
export interface UsageCostFields {
  /** What the request cost (usage.cost, as OpenRouter reports it). */
  cost: number;
  /**
   * What prompt caching saved: the cost with cache reads and writes at the plain input price,
   * less the cost. Negative on a turn that only wrote the cache (writes cost more than input).
   */
  cache_savings: number;
}

/** The cost fields of a priced model's usage (`cost`: micro-dollars, when the ledger already knows it), and the same as headers. */
export function settledUsageFields(
  model: string,
  usage: Usage,
  cost: number | undefined,
  deps: Pick<GatewayDeps, 'markup' | 'unpricedModelPrice'>,
): { usage: UsageCostFields; headers: Record<string, string> } | undefined {
  const entry = pricedEntry(model, deps.unpricedModelPrice);
  if (!entry) return undefined;
  const micros = cost ?? requestCostMicros(usage, entry, deps.markup);
  const savings = uncachedCostMicros(usage, entry, deps.markup) - micros;
  return {
    usage: { cost: microsToDollars(micros), cache_savings: microsToDollars(savings) },
    headers: { 'x-switchboard-cost': microsToDollars(micros).toFixed(6), 'x-switchboard-cache-savings': microsToDollars(savings).toFixed(6) },
  };
}
