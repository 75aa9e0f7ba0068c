import { describe, expect, it } from 'vitest';
import { catalogEntry, modelCatalog } from '../../../lambdas/core/catalog/model-catalog.js';
import { microsToDollars, requestCostMicros, uncachedCostMicros } from '../../../lambdas/core/catalog/request-cost.js';

const entry = (id: string) => {
  const found = catalogEntry(id);
  if (!found) throw new Error(`no catalog entry ${id}`);
  return found;
};

describe('requestCostMicros', () => {
  it('prices input and output tokens exactly, in integer micro-dollars', () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per million tokens
    expect(requestCostMicros({ prompt_tokens: 1_000, completion_tokens: 1_000, total_tokens: 2_000 }, entry('openai/gpt-4o-mini'), 0)).toBe(750);
    expect(requestCostMicros({ prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000 }, entry('openai/gpt-4o'), 0)).toBe(2_500_000);
  });

  it('prices cache reads and writes at their own prices', () => {
    // claude-sonnet-4-5: $3 in, $15 out, $0.30 cache read, $3.75 cache write
    const usage = {
      prompt_tokens: 10_000,
      completion_tokens: 100,
      total_tokens: 10_100,
      prompt_tokens_details: { cached_tokens: 6_000, cache_creation_tokens: 2_000 },
    };
    expect(requestCostMicros(usage, entry('anthropic/claude-sonnet-4-5'), 0)).toBe(2_000 * 3 + 6_000 * 0.3 + 2_000 * 3.75 + 100 * 15);
    // Without a cache, all 10,000 input tokens at the input price: the saving analytics report.
    expect(uncachedCostMicros(usage, entry('anthropic/claude-sonnet-4-5'), 0)).toBe(10_000 * 3 + 100 * 15);
  });

  it('adds the markup and rounds up to a whole micro-dollar', () => {
    const usage = { prompt_tokens: 1_000, completion_tokens: 1_000, total_tokens: 2_000 };
    expect(requestCostMicros(usage, entry('openai/gpt-4o-mini'), 0.05)).toBe(788); // 787.5 rounded up
    expect(requestCostMicros({ prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 }, entry('openai/gpt-4o-mini'), 0)).toBe(1);
    expect(requestCostMicros({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }, entry('openai/gpt-4o-mini'), 0.05)).toBe(0);
    expect(microsToDollars(788)).toBe(0.000788);
  });

  it('adds built-in tool calls at the price per thousand of their tool, with the markup, and leaves the cache saving alone', () => {
    const usage = { prompt_tokens: 1_000, completion_tokens: 100, total_tokens: 1_100 };
    const tokens = requestCostMicros(usage, entry('openai/gpt-4o-mini'), 0);
    // $10 per 1,000 web_search calls is $0.01 a call; the preview tool on gpt-4o-mini $25 per 1,000.
    expect(requestCostMicros({ ...usage, builtin_tool_calls: { web_search: 3 } }, entry('openai/gpt-4o-mini'), 0)).toBe(tokens + 30_000);
    expect(requestCostMicros({ ...usage, builtin_tool_calls: { web_search_preview: 2 } }, entry('openai/gpt-4o-mini'), 0)).toBe(tokens + 50_000);
    expect(requestCostMicros({ ...usage, builtin_tool_calls: { web_search: 1 } }, entry('anthropic/claude-sonnet-4-5'), 0.05)).toBe(Math.ceil((1_000 * 3 + 100 * 15 + 10_000) * 1.05));
    const searched = { ...usage, builtin_tool_calls: { web_search: 1 } };
    expect(uncachedCostMicros(searched, entry('anthropic/claude-sonnet-4-5'), 0) - requestCostMicros(searched, entry('anthropic/claude-sonnet-4-5'), 0)).toBe(0);
    // A model the catalog gives no tool prices to is charged its tokens only.
    expect(requestCostMicros(searched, entry('groq/llama-3.3-70b-versatile'), 0)).toBe(requestCostMicros(usage, entry('groq/llama-3.3-70b-versatile'), 0));
  });

  it('prices a Bedrock model in any region as its catalog entry, and knows nothing of unlisted models', () => {
    expect(catalogEntry('bedrock/claude-haiku-4-5@eu-central-1')?.pricing.output).toBe(5);
    expect(catalogEntry('openai/some-new-model')).toBeUndefined();
    expect(modelCatalog.every((model) => model.pricing.input >= 0)).toBe(true);
  });
});
