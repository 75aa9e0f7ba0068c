import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

let gateway: LocalGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startTestGateway({ SWITCHBOARD_EU_ONLY: 'true', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
});
afterAll(() => gateway?.stop());

const hello = [{ role: 'user' as const, content: 'Hi' }];

describe('an EU-only gateway (the EU stack)', () => {
  it('serves models whose inference runs in the EU', async () => {
    const completion = await client.chat.completions.create({ model: 'mock/echo', messages: hello });
    expect(completion.choices[0]?.message.content).toBe('Hi');
  });

  it('refuses a model that runs elsewhere with 403 model_not_allowed, before calling it', async () => {
    const error = (await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello }).catch((e: unknown) => e)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(error.status).toBe(403);
    expect(error.code).toBe('model_not_allowed');
  });

  it('drops non-EU models from a policy and routes to the EU ones', async () => {
    const manage = manageClient(gateway.url);
    await manage('POST', '/policy', {
      name: 'mixed',
      type: 'fallback',
      models: [{ model: 'openai/gpt-4o-mini' }, { model: 'mock/lorem-3' }],
    });
    const { data, response } = await client.chat.completions.create({ model: 'policy/mixed', messages: hello }).withResponse();
    expect(data.choices[0]?.message.content).toBe('lorem ipsum dolor');
    expect(response.headers.get('x-switchboard-model')).toBe('mock/lorem-3');
    expect(response.headers.get('x-switchboard-attempts')).toBe('1');
  });
});
