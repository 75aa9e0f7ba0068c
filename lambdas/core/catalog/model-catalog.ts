import { catalogEntrySchema, type CatalogEntry } from './catalog-schema.js';

const allCapabilities = { tools: true, vision: true, reasoning: false, caching: true, structured_output: true };
const reasoning = { ...allCapabilities, reasoning: true };

const claude: CatalogEntry[] = [
  {
    id: 'anthropic/claude-sonnet-4-5',
    context_window: 200_000,
    max_output_tokens: 64_000,
    capabilities: reasoning,
    pricing: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 },
  },
  {
    id: 'anthropic/claude-haiku-4-5',
    context_window: 200_000,
    max_output_tokens: 64_000,
    capabilities: reasoning,
    pricing: { input: 1, output: 5, cache_read: 0.1, cache_write: 1.25 },
  },
  {
    id: 'anthropic/claude-opus-4-1',
    context_window: 200_000,
    max_output_tokens: 32_000,
    capabilities: reasoning,
    pricing: { input: 15, output: 75, cache_read: 1.5, cache_write: 18.75 },
  },
];

/**
 * The models the gateway knows, with list prices in US dollars per million tokens as the
 * providers published them when this list was written; check them before relying on cost
 * figures. This is data: to
 * add or reprice a model, edit this list. Models not listed still work through their provider;
 * they are just not advertised or priced.
 */
const entries: CatalogEntry[] = [
  {
    id: 'openai/gpt-4o',
    context_window: 128_000,
    max_output_tokens: 16_384,
    capabilities: allCapabilities,
    pricing: { input: 2.5, output: 10, cache_read: 1.25, cache_write: null },
  },
  {
    id: 'openai/gpt-4o-mini',
    context_window: 128_000,
    max_output_tokens: 16_384,
    capabilities: allCapabilities,
    pricing: { input: 0.15, output: 0.6, cache_read: 0.075, cache_write: null },
  },
  {
    id: 'openai/gpt-4.1',
    context_window: 1_047_576,
    max_output_tokens: 32_768,
    capabilities: allCapabilities,
    pricing: { input: 2, output: 8, cache_read: 0.5, cache_write: null },
  },
  {
    id: 'openai/gpt-4.1-mini',
    context_window: 1_047_576,
    max_output_tokens: 32_768,
    capabilities: allCapabilities,
    pricing: { input: 0.4, output: 1.6, cache_read: 0.1, cache_write: null },
  },
  {
    id: 'openai/o4-mini',
    context_window: 200_000,
    max_output_tokens: 100_000,
    capabilities: reasoning,
    pricing: { input: 1.1, output: 4.4, cache_read: 0.275, cache_write: null },
  },
  {
    id: 'openai/gpt-5',
    context_window: 400_000,
    max_output_tokens: 128_000,
    capabilities: reasoning,
    pricing: { input: 1.25, output: 10, cache_read: 0.125, cache_write: null },
  },
  ...claude,
  // Claude on Bedrock, at Anthropic's list prices; `@<region>` picks where it runs.
  ...claude.map((entry) => ({ ...entry, id: entry.id.replace(/^anthropic\//, 'bedrock/') })),
  // Embedding models: output is free, input priced.
  ...(
    [
      ['openai/text-embedding-3-small', 8_191, 0.02],
      ['openai/text-embedding-3-large', 8_191, 0.13],
      ['google/gemini-embedding-001', 2_048, 0.15],
      ['bedrock/amazon.titan-embed-text-v2:0', 8_192, 0.02],
      ['mock/embed', 1_000_000, 0],
    ] as const
  ).map(([id, contextWindow, input]) => ({
    id,
    context_window: contextWindow,
    max_output_tokens: 1,
    capabilities: { tools: false, vision: false, reasoning: false, caching: false, structured_output: false },
    pricing: { input, output: 0, cache_read: null, cache_write: null },
  })),
  ...['mock/echo', 'mock/lorem'].map((id) => ({
    id,
    context_window: 1_000_000,
    max_output_tokens: 100_000,
    capabilities: { tools: true, vision: false, reasoning: false, caching: false, structured_output: false },
    pricing: { input: 0, output: 0, cache_read: null, cache_write: null },
  })),
];

/** Validated once at load, so a typo in the data fails every test rather than a request. */
export const modelCatalog: readonly CatalogEntry[] = entries.map((entry) => catalogEntrySchema.parse(entry));

const byId = new Map(modelCatalog.map((entry) => [entry.id, entry]));

/** The catalog entry of a model id; a Bedrock `@region` suffix does not change the price. */
export function catalogEntry(modelId: string): CatalogEntry | undefined {
  return byId.get(modelId.replace(/@[a-z0-9-]+$/, ''));
}
