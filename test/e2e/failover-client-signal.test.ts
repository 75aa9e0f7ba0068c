import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

/**
 * Each attempt follows the client's signal (the client leaving cancels it). An attempt that
 * failed is over: it must stop listening, or a long failover piles a listener per attempt on the
 * request's one signal, which Node reports as a leak (MaxListenersExceededWarning) past ten.
 */
const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let client: OpenAI;
let manage: ReturnType<typeof manageClient>;
let upstreamUrl: string;

beforeAll(async () => {
  upstreamUrl = await upstream.start();
  gateway = await startTestGateway({ OPENAI_BASE_URL: upstreamUrl, OPENAI_API_KEY: 'sk-failover-signal-0123456789' });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
  manage = manageClient(gateway.url);
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

describe("the client's signal across a long failover", () => {
  it('keeps no listener of a failed attempt: thirteen failures then an answer raise no leak warning', async () => {
    // Each `flaky-1-<tag>` model fails once (503), so every one of them is an attempt that failed;
    // a policy per request, since each request needs its own to fail.
    for (const shape of ['stream', 'json']) {
      const failing = Array.from({ length: 13 }, (_, i) => ({ model: `openai/flaky-1-signal-${shape}-${i}` }));
      const created = await manage('POST', '/policy', { name: `long-failover-${shape}`, type: 'fallback', models: [...failing, { model: 'openai/gpt-4o-mini' }] });
      expect(created.status).toBe(201);
    }

    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const messages = [{ role: 'user' as const, content: 'hi' }];
      const stream = await client.chat.completions.create({ model: 'policy/long-failover-stream', messages, stream: true }).withResponse();
      expect(stream.response.headers.get('x-switchboard-attempts')).toBe('14');
      let text = '';
      for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe('Hello from upstream!');

      const json = await client.chat.completions.create({ model: 'policy/long-failover-json', messages }).withResponse();
      expect(json.response.headers.get('x-switchboard-attempts')).toBe('14');
      expect(json.data.choices[0]?.message.content).toBe('Hello from upstream!');
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map(String)).toEqual([]);
  });

  it('keeps none either when JSON answers are asked as JSON (SWITCHBOARD_UPSTREAM_JSON): thirteen failures', async () => {
    const jsonGateway = await startTestGateway({ OPENAI_BASE_URL: upstreamUrl, OPENAI_API_KEY: 'sk-failover-signal-0123456789', SWITCHBOARD_UPSTREAM_JSON: 'true' });
    try {
      const failing = Array.from({ length: 13 }, (_, i) => ({ model: `openai/flaky-1-signal-upstream-json-${i}` }));
      expect((await manageClient(jsonGateway.url)('POST', '/policy', { name: 'long-failover', type: 'fallback', models: failing })).status).toBe(201);
      const jsonClient = new OpenAI({ baseURL: `${jsonGateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => void warnings.push(warning);
      process.on('warning', onWarning);
      try {
        const failed = await jsonClient.chat.completions.create({ model: 'policy/long-failover', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
        expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
        expect((failed as InstanceType<typeof OpenAI.APIError>).headers?.get('x-switchboard-attempts')).toBe('13');
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map(String)).toEqual([]);
    } finally {
      await jsonGateway.stop();
    }
  }, 60_000);
});
