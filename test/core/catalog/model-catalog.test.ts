import { describe, expect, it } from 'vitest';
import { catalogOverrides } from '../../../lambdas/core/catalog/catalog-overrides.js';
import { buildModelCatalog, catalogEntry, modelCatalog } from '../../../lambdas/core/catalog/model-catalog.js';
import { pricedEntry } from '../../../lambdas/core/catalog/priced-entry.js';
import { requestCostMicros } from '../../../lambdas/core/catalog/request-cost.js';
import { chatProviders } from '../../../lambdas/core/providers/registry.js';

const entry = (id: string) => {
  const found = catalogEntry(id);
  if (!found) throw new Error(`no catalog entry ${id}`);
  return found;
};

describe('the model catalog', () => {
  it('lists several hundred chat and embedding models of the served providers, each priced, with a context window and regions', () => {
    expect(modelCatalog.length).toBeGreaterThan(400);
    const count = (provider: string, type: string) => modelCatalog.filter((model) => model.id.startsWith(`${provider}/`) && model.type === type).length;
    for (const provider of ['openai', 'anthropic', 'google', 'bedrock', 'groq', 'mistral', 'deepseek', 'xai', 'together', 'fireworks']) {
      expect(count(provider, 'chat'), provider).toBeGreaterThan(4);
    }
    for (const provider of ['openai', 'google', 'bedrock']) expect(count(provider, 'embedding'), provider).toBeGreaterThan(0);
    for (const model of modelCatalog) {
      expect(Object.keys(chatProviders)).toContain(model.id.slice(0, model.id.indexOf('/')));
      expect(model.pricing.input, model.id).toBeGreaterThanOrEqual(0);
      expect(model.pricing.output, model.id).toBeGreaterThanOrEqual(0);
      expect(model.max_output_tokens, model.id).toBeLessThanOrEqual(model.context_window);
      expect(model.regions.length, model.id).toBeGreaterThan(0);
    }
  });

  it('keeps the prices and limits of the models it listed before the market data', () => {
    const before: Record<string, [number, number, number | null, number | null, number, number]> = {
      'openai/gpt-4o': [2.5, 10, 1.25, null, 128_000, 16_384],
      'openai/gpt-4o-mini': [0.15, 0.6, 0.075, null, 128_000, 16_384],
      'openai/gpt-4.1': [2, 8, 0.5, null, 1_047_576, 32_768],
      'openai/gpt-4.1-mini': [0.4, 1.6, 0.1, null, 1_047_576, 32_768],
      'openai/o4-mini': [1.1, 4.4, 0.275, null, 200_000, 100_000],
      'openai/gpt-5': [1.25, 10, 0.125, null, 400_000, 128_000],
      'anthropic/claude-sonnet-4-5': [3, 15, 0.3, 3.75, 200_000, 64_000],
      'anthropic/claude-haiku-4-5': [1, 5, 0.1, 1.25, 200_000, 64_000],
      'anthropic/claude-opus-4-1': [15, 75, 1.5, 18.75, 200_000, 32_000],
      'bedrock/claude-sonnet-4-5': [3, 15, 0.3, 3.75, 200_000, 64_000],
      'bedrock/claude-haiku-4-5': [1, 5, 0.1, 1.25, 200_000, 64_000],
      'bedrock/claude-opus-4-1': [15, 75, 1.5, 18.75, 200_000, 32_000],
      'openai/text-embedding-3-small': [0.02, 0, null, null, 8_191, 1],
      'openai/text-embedding-3-large': [0.13, 0, null, null, 8_191, 1],
      'google/gemini-embedding-001': [0.15, 0, null, null, 2_048, 1],
      'bedrock/amazon.titan-embed-text-v2:0': [0.02, 0, null, null, 8_192, 1],
      'mock/embed': [0, 0, null, null, 1_000_000, 1],
      'mock/echo': [0, 0, null, null, 1_000_000, 100_000],
      'mock/lorem': [0, 0, null, null, 1_000_000, 100_000],
    };
    for (const [id, [input, output, cacheRead, cacheWrite, context, maxOutput]] of Object.entries(before)) {
      const model = modelCatalog.find((candidate) => candidate.id === id);
      expect(model, id).toBeDefined();
      const { tool_calls: _toolCalls, ...tokenPrices } = model?.pricing ?? {};
      expect(tokenPrices, id).toEqual({ input, output, cache_read: cacheRead, cache_write: cacheWrite });
      expect([model?.context_window, model?.max_output_tokens], id).toEqual([context, maxOutput]);
    }
  });

  it('prices web search calls per thousand as Anthropic and OpenAI list them, by tool and model, token prices patched or not', () => {
    expect(catalogEntry('anthropic/claude-sonnet-4-5')?.pricing.tool_calls).toEqual({ web_search: 10 });
    expect(catalogEntry('anthropic/claude-haiku-4-5-20251001')?.pricing.tool_calls).toEqual({ web_search: 10 });
    expect(catalogEntry('vertex/claude-sonnet-4-5@us-east5')?.pricing.tool_calls).toEqual({ web_search: 10 });
    // The preview tool costs more on models that do not reason; the GA tool is one price.
    expect(catalogEntry('openai/gpt-4o-mini')?.pricing.tool_calls).toEqual({ web_search: 10, web_search_preview: 25 });
    expect(catalogEntry('openai/gpt-4.1')?.pricing.tool_calls).toEqual({ web_search: 10, web_search_preview: 25 });
    expect(catalogEntry('openai/o4-mini')?.pricing.tool_calls).toEqual({ web_search: 10, web_search_preview: 10 });
    expect(catalogEntry('openai/gpt-5')?.pricing.tool_calls).toEqual({ web_search: 10, web_search_preview: 10 });
    expect(catalogEntry('openai/text-embedding-3-small')?.pricing.tool_calls).toBeUndefined();
    expect(catalogEntry('groq/llama-3.3-70b-versatile')?.pricing.tool_calls).toBeUndefined();
  });

  it('prices a model id the way the market names it: dated versions, Bedrock inference profiles and regions', () => {
    expect(entry('openai/gpt-4o-2024-08-06').id).toBe('openai/gpt-4o');
    expect(entry('anthropic/claude-sonnet-4-5-20250929').pricing.input).toBe(3);
    const profile = entry('bedrock/eu.anthropic.claude-sonnet-4-5-20250929-v1:0@eu-central-1');
    expect(profile.id).toBe('bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(profile.regions).toContain('eu');
    expect(catalogEntry('openai/not-in-catalog')).toBeUndefined();
    expect(catalogEntry('mock/echo-2')).toBeUndefined();
  });

  it('prices a long prompt at its long-context tier', () => {
    const gemini = entry('google/gemini-2.5-pro');
    const short = requestCostMicros({ prompt_tokens: 200_000, completion_tokens: 1_000, total_tokens: 201_000 }, gemini, 0);
    const long = requestCostMicros({ prompt_tokens: 200_001, completion_tokens: 1_000, total_tokens: 201_001 }, gemini, 0);
    expect(short).toBe(200_000 * 1.25 + 1_000 * 10);
    expect(long).toBe(Math.ceil(200_001 * 2.5 + 1_000 * 15));
  });

  it('prices prices with more than three decimals exactly', () => {
    const nova = entry('bedrock/amazon.nova-micro-v1:0');
    expect(nova.pricing.cache_read).toBe(0.00875);
    const usage = { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000, prompt_tokens_details: { cached_tokens: 1_000_000 } };
    expect(requestCostMicros(usage, nova, 0)).toBe(8_750);
  });

  it('prices a model it does not know only at an operator’s default price', () => {
    expect(pricedEntry('openai/not-in-catalog', undefined)).toBeUndefined();
    const priced = pricedEntry('openai/not-in-catalog@x', { input: 5, output: 15, cache_read: null, cache_write: null });
    expect(priced).toMatchObject({ id: 'openai/not-in-catalog', pricing: { input: 5, output: 15 } });
    expect(pricedEntry('openai/gpt-4o', { input: 5, output: 15, cache_read: null, cache_write: null })?.pricing.input).toBe(2.5);
  });

  it('reads the package’s data format: dated price changes, tiers, embeddings, exclusions and overrides', () => {
    const catalog = buildModelCatalog(
      {
        source: { package: '@pydantic/genai-prices', version: 'test', prices_as_of: '2026-06-01' },
        providers: [
          {
            id: 'openai',
            models: [
              { id: 'gpt-9', match: { starts_with: 'gpt-9' }, context_window: 1_000_000, prices: [
                { prices: { input_mtok: 2, output_mtok: 10 } },
                { constraint: { type: 'start_date', start_date: '2026-01-01' }, prices: { input_mtok: { base: 1, tiers: [{ start: 272_000, price: 2 }] }, output_mtok: 8 } },
                { constraint: { type: 'start_date', start_date: '2099-01-01' }, prices: { input_mtok: 0.5, output_mtok: 4 } },
              ] },
              { id: 'gpt-9-realtime', match: { equals: 'gpt-9-realtime' }, context_window: 32_000, prices: { input_mtok: 5, output_mtok: 20 } },
              { id: 'text-embedding-9', match: { equals: 'text-embedding-9' }, context_window: 8_192, prices: { input_mtok: 0.01 } },
              { id: 'no-window', match: { equals: 'no-window' }, prices: { input_mtok: 1, output_mtok: 1 } },
              { id: 'gpt-4o', match: { equals: 'gpt-4o' }, context_window: 128_000, prices: { input_mtok: 99, output_mtok: 99 } },
            ],
          },
        ],
      },
      catalogOverrides,
      '2026-06-01',
    );
    const ids = catalog.entries.filter((model) => model.id.startsWith('openai/')).map((model) => model.id);
    expect(ids).toEqual(['openai/gpt-9', 'openai/text-embedding-9', 'openai/gpt-4o']);
    expect(catalog.entry('openai/gpt-9-2026-05-01')?.pricing).toEqual({ input: 1, output: 8, cache_read: null, cache_write: null, tiers: [{ above_input_tokens: 272_000, input: 2, output: 8, cache_read: null, cache_write: null }] });
    expect(catalog.entry('openai/gpt-9')?.capabilities).toMatchObject({ reasoning: false, tools: false });
    expect(catalog.entry('openai/text-embedding-9')).toMatchObject({ type: 'embedding', max_output_tokens: 1, pricing: { input: 0.01, output: 0 } });
    expect(catalog.entry('openai/gpt-9-realtime')?.id).toBe('openai/gpt-9');
    expect(catalog.entries.find((model) => model.id === 'openai/no-window')).toBeUndefined();
    // An override names only the fields it corrects; the market's prices of gpt-4o stay.
    expect(catalog.entry('openai/gpt-4o')).toMatchObject({ max_output_tokens: 16_384, pricing: { input: 99 }, regions: ['us', 'eu'] });
    // Patches of models this data lacks are reported, not added half-made.
    expect(catalog.orphans).toContain('openai/gpt-4.1');
    expect(catalog.entry('openai/gpt-4.1')).toBeUndefined();
  });
});
