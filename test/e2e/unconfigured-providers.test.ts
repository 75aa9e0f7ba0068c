import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream, upstreamReply } from '../support/mock-openai-upstream.js';
import { loggedRecord, recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

// Only OpenAI is configured: Anthropic, Groq and the rest have neither a key nor a base URL.
const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let openai: OpenAI;
let anthropic: Anthropic;
let log: ReturnType<typeof recordRequestLog>;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), OPENAI_API_KEY: 'sk-upstream-unconfigured-0123456789' });
  log = recordRequestLog(gateway);
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: testKey, maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const hello = [{ role: 'user' as const, content: 'Hi' }];

describe('a provider the gateway has no credentials for', () => {
  it('answers 503 provider_not_configured naming it, in OpenAI’s error shape', async () => {
    const failure = (await openai.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: hello }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure.status).toBe(503);
    expect(failure.error).toMatchObject({ code: 'provider_not_configured', param: 'model', message: expect.stringContaining('Provider "groq" is not configured on this gateway: it needs an API key') });
  });

  it('answers 503 naming it in Anthropic’s error shape, streamed or not', async () => {
    for (const stream of [false, true]) {
      const failure = (await anthropic.messages.create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 50, messages: hello, stream }).catch((error: unknown) => error)) as InstanceType<typeof Anthropic.APIError>;
      expect(failure).toBeInstanceOf(Anthropic.APIError);
      expect(failure.status).toBe(503);
      expect(failure.error).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.stringContaining('Provider "anthropic" is not configured on this gateway') } });
    }
  });

  it('is skipped at once by a fallback policy, which answers from its next model', async () => {
    const name = 'unconfigured-first';
    await manageClient(gateway.url)('POST', '/policy', { name, type: 'fallback', models: [{ model: 'anthropic/claude-sonnet-4-5', retries: 2 }, { model: 'openai/gpt-4o-mini' }] });
    const { data, response } = await openai.chat.completions.create({ model: `policy/${name}`, messages: hello }).withResponse();
    expect(data.choices[0]?.message.content).toBe(upstreamReply);
    // One call of the unconfigured model, not retried: nothing it lacks comes with a retry.
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record.attempts).toMatchObject([
      { model: 'anthropic/claude-sonnet-4-5', status: 503, error_code: 'provider_not_configured' },
      { model: 'openai/gpt-4o-mini', status: 200 },
    ]);
  });

  it('leaves the built-in mock serving, which needs no key', async () => {
    const completion = await openai.chat.completions.create({ model: 'mock/echo', messages: hello });
    expect(completion.choices[0]?.message.content).toEqual(expect.any(String));
  });
});
