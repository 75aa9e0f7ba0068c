import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockGeminiUpstream();
let gateway: LocalGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startTestGateway({ GEMINI_BASE_URL: await upstream.start(), GEMINI_API_KEY: 'AIza-upstream-0123456789' });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const tools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_forecast', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];
const ask = [{ role: 'user' as const, content: 'Forecast for Paris?' }];

describe('google/* through the openai client', () => {
  it('answers text streamed and not, with usage and cached tokens', async () => {
    const plain = await client.chat.completions.create({ model: 'google/gemini-2.5-flash', messages: ask });
    expect(plain.choices[0]?.message.content).toBe('Hello from Gemini!');
    expect(plain.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 3 } });
    const streamed = await client.chat.completions
      .stream({ model: 'google/gemini-2.5-flash', messages: ask, stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(streamed.choices[0]?.message.content).toBe('Hello from Gemini!');
    expect(streamed.usage?.prompt_tokens_details?.cached_tokens).toBe(3);
    expect(upstream.requests.at(-1)?.headers['x-goog-api-key']).toBe('AIza-upstream-0123456789');
  });

  it('assembles a streamed tool call with the SDK’s helper into exactly the non-streamed one', async () => {
    const plain = await client.chat.completions.create({ model: 'google/gemini-2.5-flash', messages: ask, tools });
    const streamed = await client.chat.completions.stream({ model: 'google/gemini-2.5-flash', messages: ask, tools }).finalChatCompletion();
    expect(streamed.choices[0]?.message.tool_calls).toEqual(plain.choices[0]?.message.tool_calls);
    expect(plain.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_0', type: 'function', function: { name: 'get_forecast', arguments: '{"city":"Paris"}' } },
    ]);
    expect(streamed.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('sends an image to Gemini inline', async () => {
    await client.chat.completions.create({
      model: 'google/gemini-2.5-flash',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGR' } }] }],
    });
    expect(upstream.requests.at(-1)?.body.contents).toEqual([{ role: 'user', parts: [{ inlineData: { mimeType: 'image/webp', data: 'UklGR' } }] }]);
  });
});
