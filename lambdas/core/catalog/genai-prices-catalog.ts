import type { CatalogOverrides } from './catalog-overrides.js';
import type { Capabilities, CatalogEntry, Pricing, ToolCallPrices } from './catalog-schema.js';
import type { GenaiModel, GenaiPricesFile, MatchLogic, ModelPrice } from './genai-prices-schema.js';

/** A catalog entry made from the market data, with the clause that tells which provider model names it prices. */
export interface MarketEntry {
  entry: CatalogEntry;
  match: MatchLogic;
}

const noCapabilities: Capabilities = { tools: false, vision: false, reasoning: false, caching: false, structured_output: false };

/** Bedrock's cross-region inference geographies, as genai-prices names profile ids (`eu.anthropic.…`). */
const bedrockGeography = /^(us-gov|us|eu|apac|au|jp|in|ca|global)\./;

/**
 * The adapter from `@pydantic/genai-prices`' data format to catalog entries: for each provider
 * the gateway serves, its models with a token price, less those `exclude`d (image, audio,
 * realtime, fine-tune and legacy completion models), typed, given capabilities, an output cap
 * and built-in tool call prices by the overrides' rules, and priced as of `asOf` (a date's price changes are picked by date).
 * A model without a known context window (in the data or an override) is left out: the gateway
 * bounds reservations by it.
 */
export function marketEntries(data: GenaiPricesFile, overrides: CatalogOverrides, asOf: string): MarketEntry[] {
  const rules = compileRules(overrides);
  const patchedContext = new Map(overrides.models.flatMap((patch) => (patch.context_window === undefined ? [] : [[patch.id, patch.context_window] as const])));
  const entries: MarketEntry[] = [];
  for (const [provider, config] of Object.entries(overrides.providers)) {
    const source = data.providers.find((candidate) => candidate.id === config.source);
    if (!source) continue;
    for (const model of source.models) {
      const name = config.strip_id_prefix && model.id.startsWith(config.strip_id_prefix) ? model.id.slice(config.strip_id_prefix.length) : model.id;
      if (model.deprecated || rules.excluded(provider, name)) continue;
      const type = rules.type(provider, name);
      const pricing = pricingOf(model, asOf, type, rules.toolCalls(provider, name));
      const id = `${provider}/${name}`;
      const contextWindow = patchedContext.get(id) ?? model.context_window ?? rules.contextWindow(provider, name);
      if (!pricing || contextWindow === undefined) continue;
      const capabilities = { ...rules.capabilities(provider, name), caching: pricing.cache_read !== null };
      entries.push({
        match: model.match,
        entry: {
          id,
          type,
          context_window: contextWindow,
          max_output_tokens: type === 'embedding' ? 1 : Math.min(rules.maxOutput(provider, name) ?? contextWindow, contextWindow),
          capabilities: type === 'embedding' ? noCapabilities : capabilities,
          pricing,
          regions: provider === 'bedrock' ? bedrockRegions(model.match, name, config.regions) : config.regions,
        },
      });
    }
  }
  return entries;
}

function compileRules(overrides: CatalogOverrides) {
  const compile = <T extends { provider?: string | undefined; pattern: string }>(list: readonly T[]) =>
    list.map((rule) => ({ ...rule, regex: new RegExp(rule.pattern, 'i') }));
  const applies = (rule: { provider?: string | undefined; regex: RegExp }, provider: string, name: string) =>
    (rule.provider === undefined || rule.provider === provider) && rule.regex.test(name);
  const exclude = compile(overrides.exclude);
  const types = compile(overrides.types);
  const capabilities = compile(overrides.capabilities);
  const maxOutput = compile(overrides.max_output_tokens);
  const contextWindow = compile(overrides.context_window);
  const toolCalls = compile(overrides.tool_calls);
  return {
    excluded: (provider: string, name: string) => exclude.some((rule) => applies(rule, provider, name)),
    type: (provider: string, name: string) => types.filter((rule) => applies(rule, provider, name)).at(-1)?.type ?? 'chat',
    capabilities: (provider: string, name: string): Capabilities =>
      capabilities.filter((rule) => applies(rule, provider, name)).reduce<Capabilities>((sum, rule) => ({ ...sum, ...rule.set }), noCapabilities),
    maxOutput: (provider: string, name: string) => maxOutput.filter((rule) => applies(rule, provider, name)).at(-1)?.tokens,
    contextWindow: (provider: string, name: string) => contextWindow.filter((rule) => applies(rule, provider, name)).at(-1)?.tokens,
    toolCalls: (provider: string, name: string): ToolCallPrices =>
      toolCalls.filter((rule) => applies(rule, provider, name)).reduce<ToolCallPrices>((sum, rule) => ({ ...sum, ...rule.set }), {}),
  };
}

/** The prices in effect on `asOf` (the latest dated change not after it; time-of-day discounts ignored: the full price). */
function pricesAsOf(model: GenaiModel, asOf: string): ModelPrice {
  if (!Array.isArray(model.prices)) return model.prices;
  let current: ModelPrice = {};
  for (const conditional of model.prices) {
    const constraint = conditional.constraint;
    if (!constraint) current = conditional.prices;
    else if (constraint.type === 'start_date' && constraint.start_date <= asOf) current = conditional.prices;
  }
  return current;
}

function pricingOf(model: GenaiModel, asOf: string, type: CatalogEntry['type'], toolCalls: ToolCallPrices): Pricing | undefined {
  const prices = pricesAsOf(model, asOf);
  const base = (key: string) => {
    const value = prices[key];
    return value === undefined ? undefined : typeof value === 'number' ? value : value.base;
  };
  const input = base('input_mtok');
  const output = base('output_mtok') ?? (type === 'embedding' ? 0 : undefined);
  if (input === undefined || output === undefined) return undefined;
  const pricing: Pricing = {
    input,
    output,
    cache_read: base('cache_read_mtok') ?? null,
    cache_write: base('cache_write_mtok') ?? null,
  };
  const reasoning = base('output_reasoning_mtok');
  if (reasoning !== undefined && reasoning !== output) pricing.reasoning = reasoning;
  const tiers = tiersOf(prices, pricing);
  if (tiers.length > 0) pricing.tiers = tiers;
  if (Object.keys(toolCalls).length > 0) pricing.tool_calls = toolCalls;
  return pricing;
}

/** genai-prices tiers each price apart; the catalog's tiers are whole price sets, one per threshold. */
function tiersOf(prices: ModelPrice, basePricing: Pricing): NonNullable<Pricing['tiers']> {
  const keys = { input: 'input_mtok', output: 'output_mtok', cache_read: 'cache_read_mtok', cache_write: 'cache_write_mtok' } as const;
  const starts = new Set<number>();
  for (const key of Object.values(keys)) {
    const value = prices[key];
    if (value !== undefined && typeof value !== 'number') for (const tier of value.tiers) starts.add(tier.start);
  }
  return [...starts]
    .sort((a, b) => a - b)
    .map((start) => {
      const at = (field: keyof typeof keys): number | null => {
        const value = prices[keys[field]];
        if (value === undefined) return basePricing[field] ?? null;
        if (typeof value === 'number') return value;
        let price = value.base;
        for (const tier of value.tiers) if (start >= tier.start) price = tier.price;
        return price;
      };
      return { above_input_tokens: start, input: at('input') ?? basePricing.input, output: at('output') ?? basePricing.output, cache_read: at('cache_read'), cache_write: at('cache_write') };
    });
}

/** The geographies whose inference profiles the model's match names (`eu.anthropic.…`), else the provider's. */
function bedrockRegions(match: MatchLogic, name: string, fallback: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (logic: MatchLogic) => {
    if ('or' in logic) logic.or.forEach(visit);
    else if ('and' in logic) logic.and.forEach(visit);
    else {
      const text = Object.values(logic)[0] as string;
      const geography = bedrockGeography.exec(text)?.[1];
      if (geography) found.add(geography);
    }
  };
  visit(match);
  const own = bedrockGeography.exec(name)?.[1];
  if (own) return [own];
  return found.size > 0 ? [...found] : [...fallback];
}
