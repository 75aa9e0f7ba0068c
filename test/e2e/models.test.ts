import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelCatalog } from '../../lambdas/core/catalog/model-catalog.js';
import { listedDefaultAliases } from '../../lambdas/core/routing/model-aliases.js';
import { chatProviders } from '../../lambdas/core/providers/registry.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { providerEnvPrefixes } from '../../lambdas/handlers/gateway-env.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';
import { testServiceAccount } from '../support/test-service-account.js';

let gateway: LocalGateway;

/** Every provider configured (a key each; Azure also its endpoint, Vertex a service account), so the whole catalog is listed. */
const everyProvider = {
  ...Object.fromEntries(Object.values(providerEnvPrefixes).map((prefix) => [`${prefix}_API_KEY`, 'sk-listing-test'])),
  AZURE_OPENAI_BASE_URL: 'https://example.openai.azure.com',
  VERTEX_CREDENTIALS: JSON.stringify(testServiceAccount('http://127.0.0.1:9/token').account),
};

beforeAll(async () => {
  gateway = await startTestGateway(everyProvider);
});
afterAll(() => gateway?.stop());

describe('GET /v1/models', () => {
  it('lists the catalog in OpenAI’s format with context window, capabilities and prices', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    // The catalog, then the aliases (by default, each Claude model's bare name).
    expect(models.map((model) => model.id)).toEqual([...modelCatalog.map((entry) => entry.id), ...Object.keys(listedDefaultAliases())]);
    expect(models.find((model) => model.id === 'anthropic/claude-sonnet-4-5')).toEqual({
      id: 'anthropic/claude-sonnet-4-5',
      object: 'model',
      created: 0,
      owned_by: 'anthropic',
      type: 'chat',
      context_window: 200_000,
      max_output_tokens: 64_000,
      capabilities: { tools: true, vision: true, reasoning: true, caching: true, structured_output: true },
      pricing: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, tool_calls: { web_search: 10 } },
      regions: ['us'],
    });
  });

  it('retrieves one model by its id, slashes and all, through the SDK, and answers 404 for one it does not list', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
    expect(await client.models.retrieve('openai/gpt-4o-mini')).toMatchObject({ id: 'openai/gpt-4o-mini', object: 'model', owned_by: 'openai' });
    const missing = await client.models.retrieve('openai/not-a-model').catch((error: unknown) => error);
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('filters by provider, capability, type and region, and refuses an unknown capability with a param', async () => {
    const list = async (query: string) => {
      const response = await fetch(`${gateway.url}/v1/models?${query}`, { headers: { authorization: `Bearer ${testKey}` } });
      return { status: response.status, body: (await response.json()) as { data: { id: string; type: string; capabilities: Record<string, boolean>; regions: string[] }[]; error?: { param: string } } };
    };
    const anthropic = await list('provider=anthropic');
    expect(anthropic.body.data.length).toBeGreaterThan(5);
    expect(anthropic.body.data.every((model) => model.id.startsWith('anthropic/'))).toBe(true);
    const reasoningTools = await list('provider=openai,google&capability=reasoning,tools');
    expect(reasoningTools.body.data.map((model) => model.id)).toEqual(expect.arrayContaining(['openai/gpt-5', 'google/gemini-2.5-pro']));
    expect(reasoningTools.body.data.every((model) => model.capabilities.reasoning && model.capabilities.tools)).toBe(true);
    expect(reasoningTools.body.data.map((model) => model.id)).not.toContain('openai/gpt-4o');
    const embeddings = await list('type=embedding');
    expect(embeddings.body.data.map((model) => model.id)).toEqual(expect.arrayContaining(['openai/text-embedding-3-small', 'mock/embed']));
    expect(embeddings.body.data.every((model) => model.type === 'embedding')).toBe(true);
    const eu = await list('region=eu-central-1&provider=bedrock,mistral,anthropic');
    expect(eu.body.data.map((model) => model.id)).toEqual(expect.arrayContaining(['bedrock/claude-sonnet-4-5', 'mistral/mistral-large']));
    expect(eu.body.data.map((model) => model.id)).not.toContain('anthropic/claude-sonnet-4-5');
    const bad = await list('capability=telepathy');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.param).toBe('capability');
  });

  it('lists only the models of providers configured on the gateway, and says why one is missing', async () => {
    const bare = await startTestGateway();
    try {
      const client = new OpenAI({ baseURL: `${bare.url}/v1`, apiKey: testKey, maxRetries: 0 });
      const providers = new Set<string>();
      for await (const model of client.models.list()) if (model.id.includes('/')) providers.add(model.id.slice(0, model.id.indexOf('/')));
      // No keys: the built-in mock, and Bedrock, whose calls the AWS credentials sign.
      expect([...providers].sort()).toEqual(['bedrock', 'mock']);
      const missing = await client.models.retrieve('openai/gpt-4o-mini').catch((error: unknown) => error);
      expect(missing).toMatchObject({ status: 404, code: 'model_not_found', message: expect.stringContaining('its provider "openai" is not configured on this gateway') });
    } finally {
      await bare.stop();
    }
  });

  it('needs an API key', async () => {
    expect((await fetch(`${gateway.url}/v1/models`)).status).toBe(401);
  });

  it('lists only models of known providers, each once', () => {
    const ids = modelCatalog.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(Object.keys(chatProviders)).toContain(id.slice(0, id.indexOf('/')));
  });
});
