import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestLogRecord } from '../../lambdas/core/request-log/request-log-record.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { countedTokens, MockAnthropicFixtureUpstream, toolResultAnswer } from '../support/mock-anthropic-fixture-upstream.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockAnthropicFixtureUpstream();
const openaiUpstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let client: Anthropic;
let log: ReturnType<typeof recordRequestLog>;

beforeAll(async () => {
  gateway = await startTestGateway({
    ANTHROPIC_BASE_URL: await upstream.start(),
    ANTHROPIC_API_KEY: 'sk-ant-upstream-native-0123456789',
    OPENAI_BASE_URL: await openaiUpstream.start(),
  });
  log = recordRequestLog(gateway);
  client = new Anthropic({ baseURL: gateway.url, apiKey: testKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
  await openaiUpstream.stop();
});
beforeEach(() => {
  upstream.requests.length = 0;
});

async function recordOf(requestId: string | null): Promise<RequestLogRecord> {
  await vi.waitFor(() => expect(log.records.filter((record) => record.request_id === requestId)).toHaveLength(1), { timeout: 10_000 });
  return log.records.find((record) => record.request_id === requestId) as RequestLogRecord;
}

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather',
  input_schema: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } } },
  cache_control: { type: 'ephemeral' },
};
// top_k is Anthropic's sampling parameter; this SDK's types no longer list it.
const firstTurn: Anthropic.MessageCreateParamsNonStreaming & { top_k: number } = {
  model: 'anthropic/claude-sonnet-4-5',
  max_tokens: 16_000,
  top_k: 40,
  thinking: { type: 'enabled', budget_tokens: 12_345 },
  system: [{ type: 'text', text: 'You are a weather assistant.', cache_control: { type: 'ephemeral' } }],
  tools: [weatherTool],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?', cache_control: { type: 'ephemeral' } }] }],
};

/** What the upstream must receive for a request: the client's body, with Anthropic's model name and a stream. */
function asSentUpstream(request: object, model = 'claude-sonnet-4-5'): Record<string, unknown> {
  return { ...request, model, stream: true };
}

describe('/v1/messages to an Anthropic-protocol target, untranslated', () => {
  it('runs a tool loop with thinking: signatures and cache_control reach Anthropic exactly, streamed and not', async () => {
    const { data: first, response } = await client.messages.create(firstTurn).withResponse();
    expect(first.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(first.content[0]).toMatchObject({ type: 'thinking', signature: 'EqQBCgIYAhIM...' });
    expect(first.content[2]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { location: 'Paris', unit: 'celsius' } });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.usage).toMatchObject({ input_tokens: 472, cache_creation_input_tokens: 100, cache_read_input_tokens: 2048, output_tokens: 89 });
    // Every field as the client sent it, thinking budget and top_k included, in the client's order.
    expect(upstream.requests[0]?.raw).toBe(JSON.stringify(asSentUpstream(firstTurn)));
    expect(upstream.requests[0]?.headers['x-api-key']).toBe('sk-ant-upstream-native-0123456789');

    const record = await recordOf(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'messages', response_id: 'msg_01Aq9w938a90dw8q', tool_calls: ['get_weather'], finish_reason: 'tool_calls', cache_read_tokens: 2048 });

    const toolUse = first.content[2] as Anthropic.ToolUseBlock;
    const secondTurn: Anthropic.MessageCreateParamsStreaming = {
      ...firstTurn,
      stream: true,
      messages: [
        ...firstTurn.messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18 °C, sunny', cache_control: { type: 'ephemeral' } }] },
      ],
    };
    const stream = client.messages.stream(secondTurn);
    const thinking: string[] = [];
    stream.on('thinking', (delta) => thinking.push(delta));
    const second = await stream.finalMessage();
    expect(thinking.join('')).toBe(toolResultAnswer.thinking);
    expect(second.content).toEqual(toolResultAnswer.content);
    expect(second.stop_reason).toBe('end_turn');
    expect(upstream.requests[1]?.raw).toBe(JSON.stringify(asSentUpstream(secondTurn)));
  });

  it('reports cost and the cache saving in usage, at the cache prices', async () => {
    const toolUse = { type: 'tool_use' as const, id: 'toolu_1', name: 'get_weather', input: {} };
    const { data, response } = await client.messages
      .create({
        ...firstTurn,
        messages: [...firstTurn.messages, { role: 'assistant', content: [toolUse] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] }],
      })
      .withResponse();
    // 36 fresh input at $3, 412 written at $3.75, 2520 read at $0.30, 41 output at $15 (per million).
    const cost = (36 * 3 + 412 * 3.75 + 2520 * 0.3 + 41 * 15) / 1e6;
    const uncached = ((36 + 412 + 2520) * 3 + 41 * 15) / 1e6;
    expect(data.usage).toMatchObject({ cache_read_input_tokens: 2520, cost: expect.closeTo(cost, 9), cache_savings: expect.closeTo(uncached - cost, 9) });
    expect(Number(response.headers.get('x-switchboard-cache-savings'))).toBeCloseTo(uncached - cost, 6);
  });

  it('passes a server tool through, with its results and citations', async () => {
    const request = {
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user' as const, content: 'Weather in Paris today?' }],
      tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 3 }],
    };
    for (const streamed of [false, true]) {
      const message = streamed ? await client.messages.stream(request).finalMessage() : await client.messages.create(request);
      expect(message.content.map((block) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'text']);
      expect(message.content[0]).toMatchObject({ name: 'web_search', input: { query: 'weather Paris today' } });
      expect(message.content[2]).toMatchObject({ text: 'Sunny, 18 °C.', citations: [{ type: 'web_search_result_location', url: 'https://weather.example/paris' }] });
      expect(message.usage).toMatchObject({ server_tool_use: { web_search_requests: 1 } });
      expect(upstream.requests.at(-1)?.body.tools).toEqual(request.tools);
    }
  });

  it('charges each web search Anthropic reports at $10 per 1,000 in usage.cost, x-switchboard-cost, the log and the key’s spend, streamed and whole', async () => {
    const manage = manageClient(gateway.url);
    const { json } = await manage('POST', '/apikey', { name: 'web-search' });
    const own = new Anthropic({ baseURL: gateway.url, apiKey: String(json.key), maxRetries: 0 });
    const request = {
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user' as const, content: 'Weather in Paris today?' }],
      tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 3 }],
    };
    // web-search.sse.txt: 2,679 input tokens at $3 and 54 output at $15 per million, and one search.
    const cost = 2_679 * 3 + 54 * 15 + 10_000;
    const micros = (dollars: unknown) => Math.round(Number(dollars) * 1e6);
    const { data: whole, response } = await own.messages.create(request).withResponse();
    expect(micros((whole.usage as unknown as { cost: number }).cost)).toBe(cost);
    expect(micros(response.headers.get('x-switchboard-cost'))).toBe(cost);
    expect((await recordOf(response.headers.get('x-request-id'))).cost_micros).toBe(cost);
    // The SDK's final message keeps only the usage fields it knows: the cost is read from the message_delta event.
    const stream = own.messages.stream(request);
    const deltas: unknown[] = [];
    stream.on('streamEvent', (event) => event.type === 'message_delta' && deltas.push(event.usage));
    await stream.finalMessage();
    expect(deltas.map((usage) => micros((usage as { cost: number }).cost))).toEqual([cost]);
    expect(micros((await manage('GET', `/apikey/${String(json.id)}`)).json.spend)).toBe(2 * cost);
  });

  it('gives a web search tool without max_uses the gateway’s under a spend limit, and holds that many searches; without a limit it goes as sent', async () => {
    const manage = manageClient(gateway.url);
    // The tokens this request can use cost about $0.02, twenty searches $0.20 more.
    const { json } = await manage('POST', '/apikey', { name: 'web-search-limited', monthly_limit: 0.1 });
    const own = new Anthropic({ baseURL: gateway.url, apiKey: String(json.key), maxRetries: 0 });
    const request = { model: 'anthropic/claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Weather in Paris today?' }] };
    const unbounded = await own.messages.create({ ...request, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }).catch((error: unknown) => error);
    expect((unbounded as InstanceType<typeof Anthropic.APIError>).status).toBe(402);
    expect(upstream.requests).toHaveLength(0);
    const bounded = await own.messages.create({ ...request, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 1 }] });
    expect(bounded.usage).toMatchObject({ server_tool_use: { web_search_requests: 1 } });

    // Room for twenty searches: the request goes with the gateway's bound on them.
    const roomy = await manage('POST', '/apikey', { name: 'web-search-roomy', monthly_limit: 1 });
    const limited = new Anthropic({ baseURL: gateway.url, apiKey: String(roomy.json.key), maxRetries: 0 });
    await limited.messages.create({ ...request, tools: [{ type: 'web_search_20250305', name: 'web_search' }] });
    expect(upstream.requests.at(-1)?.body.tools).toEqual([{ type: 'web_search_20250305', name: 'web_search', max_uses: 20 }]);

    await client.messages.create({ ...request, tools: [{ type: 'web_search_20250305', name: 'web_search' }] });
    expect(upstream.requests.at(-1)?.body.tools).toEqual([{ type: 'web_search_20250305', name: 'web_search' }]);
  });

  it('forwards anthropic-beta headers, adding the long-context beta for [1m]', async () => {
    await client.beta.messages.create(
      { ...firstTurn, model: 'claude-sonnet-4-5[1m]', betas: ['interleaved-thinking-2025-05-14'] },
      { headers: { 'anthropic-version': '2023-06-01' } },
    );
    expect(upstream.requests.at(-1)?.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,context-1m-2025-08-07');
    expect(upstream.requests.at(-1)?.headers['anthropic-version']).toBe('2023-06-01');
    expect(upstream.requests.at(-1)?.body.model).toBe('claude-sonnet-4-5');
  });

  it('fails over before the first byte, from an overloaded Anthropic model to the next in the policy', async () => {
    const manage = manageClient(gateway.url);
    await manage('POST', '/policy', { name: 'native-chain', type: 'fallback', models: [{ model: 'anthropic/overloaded' }, { model: 'anthropic/claude-sonnet-4-5' }] });
    const { data, response } = await client.messages.stream({ ...firstTurn, model: 'policy/native-chain' }).withResponse();
    const message = await data.finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(upstream.requests.map((request) => request.body.model)).toEqual(['overloaded', 'claude-sonnet-4-5']);
  });

  it('records a tool call that opens the answer once, whole and streamed', async () => {
    const forced = { ...firstTurn, thinking: undefined, tool_choice: { type: 'tool' as const, name: 'get_weather' } };
    const { data: whole, response } = await client.messages.create(forced).withResponse();
    expect(whole.content).toEqual([{ type: 'tool_use', id: 'toolu_01ForcedCall0000000000', name: 'get_weather', input: { location: 'Paris' } }]);
    expect(await recordOf(response.headers.get('x-request-id'))).toMatchObject({ response_id: 'msg_01ForcedToolUse0000000', tool_calls: ['get_weather'], finish_reason: 'tool_calls' });

    const { data: stream, response: streamed } = await client.messages.stream(forced).withResponse();
    await stream.finalMessage();
    expect(await recordOf(streamed.headers.get('x-request-id'))).toMatchObject({ tool_calls: ['get_weather'], finish_reason: 'tool_calls' });
  });

  it('logs only the answering attempt’s message id when an attempt fails after message_start, whole and streamed', async () => {
    const manage = manageClient(gateway.url);
    await manage('POST', '/policy', { name: 'native-late-failure', type: 'fallback', models: [{ model: 'anthropic/overloaded-after-start' }, { model: 'anthropic/claude-sonnet-4-5' }] });
    const request = { ...firstTurn, model: 'policy/native-late-failure' };
    const { data: whole, response } = await client.messages.create(request).withResponse();
    expect(whole.id).toBe('msg_01Aq9w938a90dw8q');
    const record = await recordOf(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ response_id: 'msg_01Aq9w938a90dw8q', model: 'anthropic/claude-sonnet-4-5', tool_calls: ['get_weather'], status: 200 });
    expect(record.attempts.at(0)).toMatchObject({ model: 'anthropic/overloaded-after-start', status: 529 });
    expect(record.attempts.at(-1)).toMatchObject({ model: 'anthropic/claude-sonnet-4-5', status: 200 });

    const { data: stream, response: streamed } = await client.messages.stream(request).withResponse();
    expect((await stream.finalMessage()).id).toBe('msg_01Aq9w938a90dw8q');
    expect(await recordOf(streamed.headers.get('x-request-id'))).toMatchObject({ response_id: 'msg_01Aq9w938a90dw8q', tool_calls: ['get_weather'] });
  });

  it('counts tokens upstream for Anthropic, and estimates them, marked, for others', async () => {
    const counted = await client.messages.countTokens({ model: 'claude-sonnet-4-5', system: firstTurn.system, tools: firstTurn.tools, messages: firstTurn.messages });
    expect(counted).toEqual({ input_tokens: countedTokens });
    expect(upstream.requests.at(-1)).toMatchObject({ path: '/v1/messages/count_tokens' });
    expect(upstream.requests.at(-1)?.body).toEqual({ model: 'claude-sonnet-4-5', messages: firstTurn.messages, system: firstTurn.system, tools: firstTurn.tools });

    const estimated = (await client.messages.countTokens({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(400) }] })) as { input_tokens: number; estimated?: boolean };
    expect(estimated.estimated).toBe(true);
    expect(estimated.input_tokens).toBeGreaterThanOrEqual(100);
  });

  it('refuses, naming the field, what a target of another protocol cannot carry', async () => {
    const refused = await client.messages
      .create({ model: 'openai/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error', message: expect.stringContaining('tools[0].type') } } });
    const withTopK = { model: 'openai/gpt-4o-mini', max_tokens: 100, top_k: 5, messages: [{ role: 'user' as const, content: 'Hi' }] };
    const topK = await client.messages.create(withTopK).catch((error: unknown) => error);
    expect(topK).toMatchObject({ status: 400 });
  });
});
