import marketJson from './data/genai-prices.json' with { type: 'json' };
import { catalogOverrides, type CatalogOverrides } from './catalog-overrides.js';
import { catalogEntrySchema, type CatalogEntry } from './catalog-schema.js';
import { marketEntries, type MarketEntry } from './genai-prices-catalog.js';
import { genaiPricesFileSchema, type GenaiPricesFile } from './genai-prices-schema.js';
import { matchesModelName } from './match-model-name.js';

export interface ModelCatalog {
  /** Every listed model, market data first (in the package's order), then models only the overrides add. */
  readonly entries: readonly CatalogEntry[];
  /** Ids of overrides that patch a model the market data lacks (and so do nothing). */
  readonly orphans: readonly string[];
  /** The entry pricing a model id (`provider/model`, a Bedrock `@region` suffix ignored), or undefined. */
  entry(modelId: string): CatalogEntry | undefined;
}

/**
 * The catalog: the market's models and prices (`data/genai-prices.json`, from
 * `@pydantic/genai-prices` by `npm run refresh-catalog`) with the local overrides of
 * `data/catalog-overrides.json` applied. A model id not listed is still priced when it matches a
 * listed model's name clause (`openai/gpt-4o-2024-08-06` as `openai/gpt-4o`,
 * `bedrock/eu.anthropic.claude-…` as its model), as the package matches names.
 */
export function buildModelCatalog(data: GenaiPricesFile, overrides: CatalogOverrides, asOf: string): ModelCatalog {
  const market = marketEntries(data, overrides, asOf);
  const patches = new Map(overrides.models.map((patch) => [patch.id, patch]));
  const patched = (entry: CatalogEntry): CatalogEntry => {
    const patch = patches.get(entry.id);
    if (!patch) return entry;
    // A patch's token prices replace the market's; tool call prices come from the rules unless it names its own.
    const pricing = patch.pricing && { ...(entry.pricing.tool_calls && { tool_calls: entry.pricing.tool_calls }), ...patch.pricing };
    return catalogEntrySchema.parse({ ...entry, ...patch, capabilities: { ...entry.capabilities, ...patch.capabilities }, ...(pricing && { pricing }) });
  };
  const seen = new Set<string>();
  const matched: MarketEntry[] = [];
  for (const item of market) {
    // Two market models can share a name once a prefix is stripped; the first (the package's) wins.
    if (seen.has(item.entry.id)) continue;
    seen.add(item.entry.id);
    matched.push({ ...item, entry: patched(item.entry) });
  }
  // A patch whose model the market data no longer has adds it only when it is a whole entry.
  const added = overrides.models.flatMap((patch) => {
    if (seen.has(patch.id)) return [];
    const whole = catalogEntrySchema.safeParse(patch);
    return whole.success ? [whole.data] : [];
  });
  const orphans = overrides.models.filter((patch) => !seen.has(patch.id) && !added.some((entry) => entry.id === patch.id)).map((patch) => patch.id);
  const entries = [...matched.map((item) => item.entry), ...added];
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const byProvider = new Map<string, MarketEntry[]>();
  for (const item of matched) {
    const provider = item.entry.id.slice(0, item.entry.id.indexOf('/'));
    byProvider.set(provider, [...(byProvider.get(provider) ?? []), item]);
  }
  const found = new Map<string, CatalogEntry | undefined>();
  return {
    entries,
    orphans,
    entry(modelId) {
      if (found.has(modelId)) return found.get(modelId);
      const id = modelId.replace(/@[a-z0-9-]+$/, '');
      const slash = id.indexOf('/');
      const name = id.slice(slash + 1);
      const entry = byId.get(id) ?? (slash <= 0 ? undefined : byProvider.get(id.slice(0, slash))?.find((item) => matchesModelName(name, item.match))?.entry);
      // A request looks its model up several times, and a name the ids miss is matched against every pattern of its provider.
      if (found.size >= maxRemembered) found.clear();
      found.set(modelId, entry);
      return entry;
    },
  };
}

/** Model ids whose lookups are remembered; clients name few, and any number of them costs no more than this. */
const maxRemembered = 1_000;

const market = genaiPricesFileSchema.parse(marketJson);
// Dated price changes are read as of the refresh: the catalog is as the package was that day.
const catalog = buildModelCatalog(market, catalogOverrides, market.source.prices_as_of);

/** Validated once at load, so a typo in the data fails every test rather than a request. */
export const modelCatalog: readonly CatalogEntry[] = catalog.entries;

/** The catalog entry of a model id; a Bedrock `@region` suffix does not change the price. */
export function catalogEntry(modelId: string): CatalogEntry | undefined {
  return catalog.entry(modelId);
}
