import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { anthropicUsage, MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockAnthropicUpstream();
const upstreamKey = 'sk-ant-upstream-0123456789';
let gateway: LocalGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startTestGateway({ ANTHROPIC_BASE_URL: await upstream.start(), ANTHROPIC_API_KEY: upstreamKey });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_forecast',
    description: 'Weather forecast',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  },
};
const ask = [{ role: 'user' as const, content: 'Forecast for Paris?' }];

describe('anthropic/* through the openai client', () => {
  it('answers text, with usage including cached tokens', async () => {
    const completion = await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: ask });
    expect(completion.choices[0]?.message.content).toBe('Bonjour from Claude!');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: anthropicUsage.input_tokens + anthropicUsage.cache_read_input_tokens + anthropicUsage.cache_creation_input_tokens,
      completion_tokens: anthropicUsage.output_tokens,
      prompt_tokens_details: { cached_tokens: anthropicUsage.cache_read_input_tokens },
    });
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(upstreamKey);
  });

  it('assembles a streamed tool call with the SDK’s own helper into exactly the non-streamed one', async () => {
    const plain = await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: ask, tools: [weatherTool] });
    const stream = client.chat.completions.stream({
      model: 'anthropic/claude-sonnet-4-5',
      messages: ask,
      tools: [weatherTool],
      stream_options: { include_usage: true },
    });
    const streamed = await stream.finalChatCompletion();
    // Argument text arrives as the provider streamed it; as JSON it is the same call.
    const normalized = (completion: OpenAI.ChatCompletion) =>
      (completion.choices[0]?.message.tool_calls ?? []).map((call) => {
        const { function: fn, ...rest } = call as OpenAI.ChatCompletionMessageFunctionToolCall;
        return { ...rest, function: { name: fn.name, arguments: JSON.parse(fn.arguments) as unknown } };
      });
    expect(normalized(streamed)).toEqual(normalized(plain));
    expect(normalized(streamed)).toHaveLength(1);
    expect(plain.choices[0]?.message.tool_calls?.[0]).toMatchObject({ id: 'toolu_mock_1', type: 'function', function: { name: 'get_forecast' } });
    expect(JSON.parse((streamed.choices[0]?.message.tool_calls?.[0] as { function: { arguments: string } }).function.arguments)).toEqual({
      city: 'Paris',
      days: 3,
    });
    expect(streamed.choices[0]?.finish_reason).toBe('tool_calls');
    expect(streamed.usage?.prompt_tokens_details?.cached_tokens).toBe(anthropicUsage.cache_read_input_tokens);
  });

  it('sends an image to Anthropic in its native form', async () => {
    await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          ],
        },
      ],
    });
    expect(upstream.requests.at(-1)?.body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
        ],
      },
    ]);
  });

  it('returns structured output as JSON text', async () => {
    const completion = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      messages: ask,
      response_format: { type: 'json_schema', json_schema: { name: 'forecast', schema: { type: 'object' } } },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ city: 'Paris', days: 3 });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('relays Anthropic errors with their status and refuses n>1 before calling', async () => {
    const overloaded = (await client.chat.completions.create({ model: 'anthropic/error-529', messages: ask }).catch((e: unknown) => e)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(overloaded.status).toBe(529);
    const before = upstream.requests.length;
    const refused = (await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: ask, n: 2 }).catch((e: unknown) => e)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(refused.status).toBe(400);
    expect(refused.param).toBe('n');
    expect(upstream.requests.length).toBe(before);
  });
});
