import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { bedrockUsage, MockBedrockUpstream } from '../support/mock-bedrock-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockBedrockUpstream();
let gateway: LocalGateway;
let client: OpenAI;

beforeAll(async () => {
  await upstream.start();
  gateway = await startTestGateway({ AWS_REGION: 'us-east-1' });
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

describe('bedrock/* through the openai client (Converse and ConverseStream)', () => {
  it('answers text, calling the region and inference profile the model id names', async () => {
    const completion = await client.chat.completions.create({ model: 'bedrock/claude-sonnet-4-5@eu-central-1', messages: ask });
    expect(completion.choices[0]?.message.content).toBe('Hello from Bedrock!');
    expect(completion.usage).toMatchObject({
      prompt_tokens: bedrockUsage.inputTokens + bedrockUsage.cacheReadInputTokens + bedrockUsage.cacheWriteInputTokens,
      completion_tokens: bedrockUsage.outputTokens,
      prompt_tokens_details: { cached_tokens: bedrockUsage.cacheReadInputTokens },
    });
    const sent = upstream.requests.at(-1);
    // Asked as a stream (ConverseStream) even for one JSON answer, so a hung region is noticed at once.
    expect(sent?.path).toBe('/model/eu.anthropic.claude-sonnet-4-5-20250929-v1:0/converse-stream');
    expect(String(sent?.headers.authorization)).toContain('/eu-central-1/bedrock/aws4_request');
  });

  it('streams text through ConverseStream event frames', async () => {
    const streamed = await client.chat.completions
      .stream({ model: 'bedrock/claude-haiku-4-5', messages: ask, stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(streamed.choices[0]?.message.content).toBe('Hello from Bedrock!');
    expect(streamed.usage?.completion_tokens).toBe(bedrockUsage.outputTokens);
    expect(upstream.requests.at(-1)?.path).toBe('/model/us.anthropic.claude-haiku-4-5-20251001-v1:0/converse-stream');
  });

  it('assembles a streamed tool call with the SDK’s helper into the non-streamed one', async () => {
    const plain = await client.chat.completions.create({ model: 'bedrock/claude-sonnet-4-5', messages: ask, tools });
    const streamed = await client.chat.completions.stream({ model: 'bedrock/claude-sonnet-4-5', messages: ask, tools }).finalChatCompletion();
    const parsed = (completion: OpenAI.ChatCompletion) =>
      (completion.choices[0]?.message.tool_calls ?? []).map((call) => {
        const { function: fn, ...rest } = call as OpenAI.ChatCompletionMessageFunctionToolCall;
        return { ...rest, function: { name: fn.name, arguments: JSON.parse(fn.arguments) as unknown } };
      });
    expect(parsed(streamed)).toEqual(parsed(plain));
    expect(parsed(plain)).toEqual([{ id: 'tooluse_mock_1', type: 'function', function: { name: 'get_forecast', arguments: { city: 'Paris' } } }]);
    expect(upstream.requests.at(-1)?.body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'get_forecast', inputSchema: { json: tools[0]?.type === 'function' ? tools[0].function.parameters : {} } } }],
    });
  });

  it('sends an image as bytes and classifies throttling as a 429', async () => {
    await client.chat.completions.create({
      model: 'bedrock/claude-sonnet-4-5',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
    });
    expect(upstream.requests.at(-1)?.body.messages).toEqual([
      { role: 'user', content: [{ image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }] },
    ]);
    const throttled = (await client.chat.completions.create({ model: 'bedrock/throttled-model', messages: ask }).catch((e: unknown) => e)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(throttled.status).toBe(429);
    expect(throttled.type).toBe('ThrottlingException');
  });
});
