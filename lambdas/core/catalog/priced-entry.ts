import type { CatalogEntry, Pricing } from './catalog-schema.js';
import { catalogEntry } from './model-catalog.js';

/**
 * What a model the catalog does not know is bounded by, when an operator prices such models
 * (`SWITCHBOARD_UNPRICED_MODEL_PRICE`): nothing is known of its limits, so a request without
 * `max_tokens` reserves this much output under a spend limit.
 */
const unknownModelTokens = 1_000_000;

/** The entry pricing `model`: the catalog's, else (with an operator's default price) one at that price, else undefined. */
export function pricedEntry(model: string, defaultPrice: Pricing | undefined): CatalogEntry | undefined {
  const listed = catalogEntry(model);
  if (listed || !defaultPrice) return listed;
  return {
    id: model.replace(/@[a-z0-9-]+$/, ''),
    type: 'chat',
    context_window: unknownModelTokens,
    max_output_tokens: unknownModelTokens,
    capabilities: { tools: false, vision: false, reasoning: false, caching: false, structured_output: false },
    pricing: defaultPrice,
    regions: [],
  };
}

/** `SWITCHBOARD_UNPRICED_MODEL_PRICE`: `<input>,<output>` US dollars per million tokens. */
export function parseDefaultPrice(text: string): Pricing {
  const parts = text.split(',').map((part) => part.trim());
  const [input, output] = parts.map(Number);
  if (parts.length !== 2 || input === undefined || output === undefined || !(input >= 0) || !(output >= 0) || !Number.isFinite(input + output)) {
    throw new Error('SWITCHBOARD_UNPRICED_MODEL_PRICE must be "<input>,<output>": US dollars per million tokens, such as "5,15".');
  }
  return { input, output, cache_read: null, cache_write: null };
}
