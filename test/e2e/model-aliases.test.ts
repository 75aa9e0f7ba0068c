import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const anthropicUpstream = new MockAnthropicUpstream();
const openaiUpstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let client: Anthropic;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({
    ANTHROPIC_BASE_URL: await anthropicUpstream.start(),
    ANTHROPIC_API_KEY: 'sk-ant-upstream-0123456789',
    OPENAI_BASE_URL: await openaiUpstream.start(),
    // Alias edits are read by the router through its short directory cache.
    SWITCHBOARD_POLICY_CACHE_TTL_MS: '1',
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: testKey, maxRetries: 0 });
  manage = manageClient(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await anthropicUpstream.stop();
  await openaiUpstream.stop();
});

const ask: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hello' }];

describe('model aliases', () => {
  it("serves Claude Code's bare model names, dated and with [1m], from anthropic/", async () => {
    for (const [model, upstream] of [
      ['claude-sonnet-4-5', 'claude-sonnet-4-5'],
      ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
      ['claude-sonnet-4-5[1m]', 'claude-sonnet-4-5'],
    ] as const) {
      const { data, response } = await client.messages.create({ model, max_tokens: 50, messages: ask }).withResponse();
      expect(data.content[0]).toMatchObject({ type: 'text' });
      expect(response.headers.get('x-switchboard-model')).toBe(`anthropic/${upstream}`);
      expect(anthropicUpstream.requests.at(-1)?.body.model).toBe(upstream);
    }
  });

  it('sends an alias to a policy, whose fallback chain serves the background model', async () => {
    const policy = await manage('POST', '/policy', {
      name: 'background',
      type: 'fallback',
      models: [{ model: 'anthropic/error-529' }, { model: 'openai/gpt-4o-mini' }],
    });
    expect(policy.status).toBe(201);
    const set = await manage('PUT', '/aliases/claude-haiku-4-5-20251001', { target: 'policy/background' });
    expect(set).toMatchObject({ status: 200, json: { alias: 'claude-haiku-4-5-20251001', target: 'policy/background' } });

    const { data, response } = await client.messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 50, messages: ask }).withResponse();
    expect(data.content[0]).toMatchObject({ type: 'text' });
    expect(response.headers.get('x-switchboard-policy')).toBe('background');
    expect(response.headers.get('x-switchboard-model')).toBe('openai/gpt-4o-mini');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');

    // A policy an alias points at cannot be deleted from under it.
    expect((await manage('DELETE', '/policy/background')).status).toBe(409);
  });

  it('lists aliases in /v1/models, with what they point at', async () => {
    await manage('PUT', '/aliases/fast', { target: 'openai/gpt-4o-mini' });
    const models = (await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${testKey}` } })).json()) as {
      data: Array<{ id: string; alias_for?: string }>;
    };
    expect(models.data).toContainEqual(expect.objectContaining({ id: 'fast', alias_for: 'openai/gpt-4o-mini' }));
    expect(models.data).toContainEqual(expect.objectContaining({ id: 'claude-sonnet-4-5', alias_for: 'anthropic/claude-sonnet-4-5' }));
    expect(models.data).toContainEqual(expect.objectContaining({ id: 'claude-haiku-4-5-20251001', alias_for: 'policy/background' }));
    const one = await fetch(`${gateway.url}/v1/models/fast`, { headers: { authorization: `Bearer ${testKey}` } });
    expect(await one.json()).toMatchObject({ id: 'fast', alias_for: 'openai/gpt-4o-mini' });
  });

  it('is managed with clear errors: unknown targets, bad names, missing aliases', async () => {
    expect(await manage('PUT', '/aliases/x', { target: 'nowhere/model' })).toMatchObject({ status: 400, json: { error: { param: 'target' } } });
    expect(await manage('PUT', '/aliases/x', { target: 'policy/absent' })).toMatchObject({ status: 400, json: { error: { param: 'target' } } });
    expect(await manage('PUT', `/aliases/${encodeURIComponent('a/b')}`, { target: 'openai/gpt-4o' })).toMatchObject({
      status: 400,
      json: { error: { param: 'alias' } },
    });
    expect((await manage('GET', '/aliases')).json).toMatchObject({ aliases: { fast: 'openai/gpt-4o-mini' }, defaults: { 'claude-sonnet-4-5': 'anthropic/claude-sonnet-4-5' } });
    expect(await manage('DELETE', '/aliases/fast')).toMatchObject({ status: 200, json: { deleted: true } });
    expect((await manage('DELETE', '/aliases/fast')).status).toBe(404);
    expect((await manage('GET', '/aliases/fast')).status).toBe(404);
  });
});
