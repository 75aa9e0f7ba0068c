import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRouterHandler } from '../../lambdas/handlers/router-handler.js';
import { functionUrlServer } from '../../lambdas/local/function-url-server.js';
import type { StreamingHandler } from '../../lambdas/local/lambda-streaming-shim.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  // As on Lambda: usage is written once the response has ended.
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), SWITCHBOARD_USAGE_WRITES: 'after-response' });
  manage = manageClient(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const ask = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 20 };

describe('usage written after the response (Lambda)', () => {
  it('answers with the cost and remaining budget, then counts the request', async () => {
    const created = await manage('POST', '/apikey', { name: 'after', monthly_limit: 1 });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(created.json.key), maxRetries: 0 });
    const { response } = await client.chat.completions.create(ask).withResponse();
    const cost = Number(response.headers.get('x-switchboard-cost'));
    expect(cost).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-switchboard-budget-remaining'))).toBeCloseTo(1 - cost, 6);
    for await (const chunk of await client.chat.completions.create({ ...ask, stream: true })) void chunk;
    await vi.waitFor(async () => expect((await manage('GET', `/apikey/${String(created.json.id)}`)).json.spend).toBeGreaterThan(cost), { timeout: 2_000 });
  });

  it('gives the client the whole response while the work left for after it still runs', async () => {
    let releaseWork: () => void = () => undefined;
    const workDone = new Promise<void>((resolve) => (releaseWork = resolve));
    const afterResponse = vi.fn(() => workDone);
    const handler = createRouterHandler(async () => ({ deps: gateway.deps, afterResponse })) as unknown as StreamingHandler;
    const server = functionUrlServer(() => ({ invokeMode: 'RESPONSE_STREAM', handler }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new OpenAI({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: testKey, maxRetries: 0 });
      // Both complete while the work after them is still held back.
      expect((await client.chat.completions.create(ask)).choices[0]?.message.content).toBeTruthy();
      let streamed = '';
      for await (const chunk of await client.chat.completions.create({ ...ask, stream: true })) streamed += chunk.choices[0]?.delta.content ?? '';
      expect(streamed).not.toBe('');
      await vi.waitFor(() => expect(afterResponse).toHaveBeenCalledTimes(2));
    } finally {
      releaseWork();
      server.closeAllConnections();
      server.close();
    }
  });
});
