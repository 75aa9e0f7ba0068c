import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

let gateway: LocalGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => gateway?.stop());

describe('GET /v1/manage/models', () => {
  it('lists the whole catalog with prices for a management key, filtered as /v1/models filters', async () => {
    const manage = manageClient(gateway.url);
    const all = await manage('GET', '/models');
    expect(all.status).toBe(200);
    const data = all.json.data as { id: string; pricing: unknown; type: string }[];
    expect(data.length).toBeGreaterThan(100);
    expect(data.find((model) => model.id === 'openai/gpt-4o-mini')).toMatchObject({ type: 'chat', pricing: { input: expect.any(Number) } });
    const filtered = await manage('GET', '/models?provider=openai&type=embedding');
    const ids = (filtered.json.data as { id: string }[]).map((model) => model.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith('openai/'))).toBe(true);
    expect(ids.length).toBeLessThan(data.length);
  });

  it('refuses an API key, and names the filter at fault', async () => {
    expect((await manageClient(gateway.url, testKey)('GET', '/models')).status).toBe(403);
    const bad = await manageClient(gateway.url)('GET', '/models?type=image');
    expect(bad.status).toBe(400);
    expect(bad.json.error?.param).toBe('type');
  });
});
