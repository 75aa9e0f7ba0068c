import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { anthropicUsage, MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { MockOpenAIUpstream, upstreamReply, upstreamUsage } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const openaiUpstream = new MockOpenAIUpstream();
const anthropicUpstream = new MockAnthropicUpstream();
let gateway: LocalGateway;
let client: Anthropic;

beforeAll(async () => {
  gateway = await startTestGateway({
    OPENAI_BASE_URL: await openaiUpstream.start(),
    ANTHROPIC_BASE_URL: await anthropicUpstream.start(),
    ANTHROPIC_API_KEY: 'sk-ant-upstream-0123456789',
    SWITCHBOARD_HEADERS_TIMEOUT_MS: '2000',
  });
  // The gateway's root is the base URL, as for Claude Code (ANTHROPIC_BASE_URL).
  client = new Anthropic({ baseURL: gateway.url, apiKey: testKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  await openaiUpstream.stop();
  await anthropicUpstream.stop();
});

const forecastTool: Anthropic.Tool = {
  name: 'get_forecast',
  description: 'Weather forecast',
  input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } },
};
const ask: Anthropic.MessageParam[] = [{ role: 'user', content: 'Forecast for Paris?' }];

describe('POST /v1/messages through the Anthropic SDK', () => {
  it('answers from an OpenAI-protocol upstream, with usage', async () => {
    const message = await client.messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 100, messages: ask, system: 'Be brief.' });
    expect(message.content).toEqual([{ type: 'text', text: upstreamReply }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({
      input_tokens: upstreamUsage.prompt_tokens - upstreamUsage.prompt_tokens_details.cached_tokens,
      output_tokens: upstreamUsage.completion_tokens,
      cache_read_input_tokens: upstreamUsage.prompt_tokens_details.cached_tokens,
    });
    expect(openaiUpstream.requests.at(-1)?.body).toMatchObject({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Forecast for Paris?' }] },
      ],
    });
  });

  it('streams from an OpenAI-protocol upstream into Anthropic events the SDK assembles', async () => {
    const stream = client.messages.stream({ model: 'openai/gpt-4o-mini', max_tokens: 100, messages: ask });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts.join('')).toBe(upstreamReply);
    expect(message.content).toEqual([{ type: 'text', text: upstreamReply }]);
    expect(message.usage.output_tokens).toBe(upstreamUsage.completion_tokens);
  });

  it('answers a tool call from an Anthropic-protocol upstream, streamed and not, identically', async () => {
    const plain = await client.messages.create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 200, messages: ask, tools: [forecastTool] });
    const streamed = await client.messages
      .stream({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 200, messages: ask, tools: [forecastTool] })
      .finalMessage();
    const toolUse = { type: 'tool_use', id: 'toolu_mock_1', name: 'get_forecast', input: { city: 'Paris', days: 3 } };
    expect(plain.content).toEqual([toolUse]);
    expect(streamed.content).toEqual([toolUse]);
    expect(plain.stop_reason).toBe('tool_use');
    expect(streamed.stop_reason).toBe('tool_use');
    expect(plain.usage).toMatchObject(anthropicUsage);
    expect(anthropicUpstream.requests.at(-1)?.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      tools: [{ name: 'get_forecast', description: 'Weather forecast', input_schema: forecastTool.input_schema }],
    });
  });

  it('turns parallel OpenAI tool calls into tool_use blocks, streamed and not, identically', async () => {
    const plain = await client.messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 200, messages: ask, tools: [forecastTool] });
    const streamed = await client.messages.stream({ model: 'openai/gpt-4o-mini', max_tokens: 200, messages: ask, tools: [forecastTool] }).finalMessage();
    const expected = [
      { type: 'tool_use', id: 'call_up_0', name: 'get_forecast', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_up_1', name: 'get_forecast', input: { city: 'Lyon' } },
    ];
    expect(plain.content).toEqual(expected);
    expect(streamed.content).toEqual(expected);
    expect(streamed.stop_reason).toBe('tool_use');
  });

  it('carries a multi-turn tool conversation and an image across', async () => {
    await client.messages.create({
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 100,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_forecast', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' }] },
      ],
    });
    expect(anthropicUpstream.requests.at(-1)?.body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_forecast', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' }] },
    ]);
  });

  it('streams a tool call from the built-in mock with the SDK assembling its input', async () => {
    const message = await client.messages
      .stream({ model: 'mock/echo', max_tokens: 50, messages: [{ role: 'user', content: 'Lyon' }], tools: [forecastTool] })
      .finalMessage();
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_mock_0', name: 'get_forecast', input: { input: 'Lyon' } }]);
  });

  it('answers errors in Anthropic’s shape with the right status', async () => {
    const noKey = new Anthropic({ baseURL: gateway.url, apiKey: 'sb-wrong', maxRetries: 0 });
    const unauthorized = (await noKey.messages.create({ model: 'mock/echo', max_tokens: 10, messages: ask }).catch((e: unknown) => e)) as InstanceType<
      typeof Anthropic.APIError
    >;
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': testKey, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: ask }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') },
    });

    const overloaded = (await client.messages.create({ model: 'anthropic/error-529', max_tokens: 10, messages: ask }).catch((e: unknown) => e)) as InstanceType<
      typeof Anthropic.APIError
    >;
    expect(overloaded.status).toBe(529);
    expect(overloaded.error).toMatchObject({ error: { type: 'overloaded_error' } });
  });

  it('ends a stream that fails midway with an Anthropic error event', async () => {
    const stream = client.messages.stream({ model: 'openai/reset-midstream', max_tokens: 10, messages: ask });
    await expect(stream.finalMessage()).rejects.toThrow(/connection to openai failed|connection failed/);
  });
});
