import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { toolResultAnswer } from '../support/mock-anthropic-fixture-upstream.js';
import { invocationMetrics, MockBedrockUpstream } from '../support/mock-bedrock-upstream.js';
import { loggedRecord, recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockBedrockUpstream();
let gateway: LocalGateway;
let client: Anthropic;
let log: ReturnType<typeof recordRequestLog>;

beforeAll(async () => {
  await upstream.start();
  gateway = await startTestGateway({ AWS_REGION: 'us-east-1' });
  log = recordRequestLog(gateway);
  client = new Anthropic({ baseURL: gateway.url, apiKey: testKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});
beforeEach(() => {
  upstream.requests.length = 0;
});

const sonnetInEu = '/model/eu.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream';
const betas = ['interleaved-thinking-2025-05-14', 'fine-grained-tool-streaming-2025-05-14'];
// top_k is Anthropic's sampling parameter; this SDK's types no longer list it.
const firstTurn: Anthropic.MessageCreateParamsNonStreaming & { top_k: number } = {
  model: 'bedrock/claude-sonnet-4-5@eu-central-1',
  max_tokens: 16_000,
  top_k: 40,
  thinking: { type: 'enabled', budget_tokens: 12_345 },
  system: [{ type: 'text', text: 'You are a weather assistant.', cache_control: { type: 'ephemeral' } }],
  tools: [
    {
      name: 'get_weather',
      description: 'Current weather',
      input_schema: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } } },
      cache_control: { type: 'ephemeral' },
    },
  ],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?', cache_control: { type: 'ephemeral' } }] }],
};

/**
 * What Bedrock must receive: the client's body as it was sent, less `model` and `stream`, with
 * Bedrock's anthropic_version and the beta header's values (Anthropic's own Bedrock client's shape).
 */
function asSentToBedrock(request: object, sentBetas: string[] = betas): string {
  const { model: _model, stream: _stream, ...rest } = request as Record<string, unknown>;
  return JSON.stringify({ ...rest, anthropic_version: 'bedrock-2023-05-31', ...(sentBetas.length > 0 ? { anthropic_beta: sentBetas } : {}) });
}

describe('/v1/messages to Claude on Bedrock, untranslated (InvokeModelWithResponseStream)', () => {
  it('runs a tool loop with thinking: the body reaches Bedrock as sent, signatures and cache_control kept, streamed and not', async () => {
    const { data: first, response } = await client.beta.messages.create({ ...firstTurn, betas }).withResponse();
    expect(first.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(first.content[0]).toMatchObject({ type: 'thinking', signature: 'EqQBCgIYAhIM...' });
    expect(first.content[2]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { location: 'Paris', unit: 'celsius' } });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.usage).toMatchObject({ input_tokens: 472, cache_creation_input_tokens: 100, cache_read_input_tokens: 2048, output_tokens: 89 });
    expect(upstream.requests[0]?.path).toBe(sonnetInEu);
    expect(upstream.requests[0]?.raw).toBe(asSentToBedrock(firstTurn));
    expect(String(upstream.requests[0]?.headers.authorization)).toContain('/eu-central-1/bedrock/aws4_request');

    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      endpoint: 'messages',
      provider: 'bedrock',
      model: 'bedrock/claude-sonnet-4-5@eu-central-1',
      stream: false,
      response_id: 'msg_01Aq9w938a90dw8q',
      tool_calls: ['get_weather'],
      finish_reason: 'tool_calls',
      input_tokens: 472 + 100 + 2048,
      output_tokens: 89,
      cache_read_tokens: 2048,
      cache_write_tokens: 100,
      usage_estimated: false,
    });

    const toolUse = first.content[2] as Anthropic.Beta.BetaToolUseBlock;
    const secondTurn = {
      ...firstTurn,
      stream: true as const,
      messages: [
        ...firstTurn.messages,
        { role: 'assistant' as const, content: first.content as Anthropic.ContentBlockParam[] },
        { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: toolUse.id, content: '18 °C, sunny', cache_control: { type: 'ephemeral' as const } }] },
      ],
    };
    const stream = client.messages.stream(secondTurn);
    const thinking: string[] = [];
    const events: Anthropic.MessageStreamEvent[] = [];
    stream.on('thinking', (delta) => thinking.push(delta));
    stream.on('streamEvent', (event) => events.push(event));
    const second = await stream.finalMessage();
    expect(thinking.join('')).toBe(toolResultAnswer.thinking);
    expect(second.content).toEqual(toolResultAnswer.content);
    expect(second.stop_reason).toBe('end_turn');
    // Bedrock's own additions to an event reach the client as they came.
    expect(events.at(-1)).toEqual({ type: 'message_stop', 'amazon-bedrock-invocationMetrics': invocationMetrics });
    // No beta header this time: no anthropic_beta field.
    expect(upstream.requests[1]?.raw).toBe(asSentToBedrock(secondTurn, []));
    const { response: streamedResponse } = await stream.withResponse();
    expect(await loggedRecord(log, streamedResponse.headers.get('x-request-id'))).toMatchObject({
      stream: true,
      response_id: 'msg_01Bx7answer',
      finish_reason: 'stop',
      cache_read_tokens: 2520,
      cache_write_tokens: 412,
    });
  });

  it('charges cache reads and writes at their prices, and reports the saving in usage', async () => {
    const asked = {
      ...firstTurn,
      messages: [
        ...firstTurn.messages,
        { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'toolu_1', name: 'get_weather', input: {} }] },
        { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_1', content: 'sunny' }] },
      ],
    };
    // 36 fresh input at $3, 412 written at $3.75, 2520 read at $0.30, 41 output at $15 (per million).
    const cost = (36 * 3 + 412 * 3.75 + 2520 * 0.3 + 41 * 15) / 1e6;
    const uncached = ((36 + 412 + 2520) * 3 + 41 * 15) / 1e6;
    const priced = { cache_read_input_tokens: 2520, cache_creation_input_tokens: 412, cost: expect.closeTo(cost, 9), cache_savings: expect.closeTo(uncached - cost, 9) };
    const { data: whole, response } = await client.messages.create(asked).withResponse();
    expect(whole.usage).toMatchObject(priced);
    // Streamed, the gateway's fields ride on message_delta's usage (the SDK's final message keeps only Anthropic's).
    const stream = client.messages.stream(asked);
    const deltas: unknown[] = [];
    stream.on('streamEvent', (event) => event.type === 'message_delta' && deltas.push(event.usage));
    await stream.finalMessage();
    expect(deltas).toEqual([expect.objectContaining({ output_tokens: 41, cost: expect.closeTo(cost, 9), cache_savings: expect.closeTo(uncached - cost, 9) })]);
    const { response: streamed } = await stream.withResponse();
    for (const head of [response, streamed]) {
      const record = await loggedRecord(log, head.headers.get('x-request-id'));
      expect(record).toMatchObject({ cache_read_tokens: 2520, cache_write_tokens: 412, usage_estimated: false });
      expect(record.cost_micros).toBe(Math.round(cost * 1e6));
      expect(record.cost_without_cache_micros).toBe(Math.round(uncached * 1e6));
    }
  });

  it('fails over on Bedrock throttling before the first byte, refused at once or in the stream’s first frame', async () => {
    const manage = manageClient(gateway.url);
    await manage('POST', '/policy', {
      name: 'bedrock-native-chain',
      type: 'fallback',
      models: [{ model: 'bedrock/anthropic.claude-throttled-v1:0' }, { model: 'bedrock/anthropic.claude-stream-throttled-v1:0' }, { model: 'bedrock/claude-haiku-4-5' }],
    });
    for (const streamed of [true, false]) {
      upstream.requests.length = 0;
      const request = { ...firstTurn, model: 'policy/bedrock-native-chain' };
      const { data: message, response } = streamed
        ? await client.messages
            .stream(request)
            .withResponse()
            .then(async ({ data: run, response: head }) => ({ data: await run.finalMessage(), response: head }))
        : await client.messages.create(request).withResponse();
      expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
      expect(response.headers.get('x-switchboard-attempts')).toBe('3');
      expect(upstream.requests.map((sent) => sent.path)).toEqual([
        '/model/anthropic.claude-throttled-v1:0/invoke-with-response-stream',
        '/model/anthropic.claude-stream-throttled-v1:0/invoke-with-response-stream',
        '/model/us.anthropic.claude-haiku-4-5-20251001-v1:0/invoke-with-response-stream',
      ]);
      const record = await loggedRecord(log, response.headers.get('x-request-id'));
      expect(record).toMatchObject({ policy: 'bedrock-native-chain', model: 'bedrock/claude-haiku-4-5', status: 200, stream: streamed });
      expect(record.attempts.map((attempt) => attempt.status)).toEqual([429, 429, 200]);
    }
  });

  it('answers Bedrock’s throttling, with nothing to fail over to, as Anthropic’s rate-limit error', async () => {
    for (const model of ['bedrock/anthropic.claude-throttled-v1:0', 'bedrock/anthropic.claude-stream-throttled-v1:0']) {
      const refused = await client.messages.create({ ...firstTurn, model }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
      expect(refused).toMatchObject({ status: 429, error: { type: 'error', error: { type: 'rate_limit_error' } } });
    }
  });

  it('ends a stream Bedrock fails after its first byte with an error event, never silently', async () => {
    const stream = client.messages.stream({ ...firstTurn, model: 'bedrock/anthropic.claude-fails-midway-v1:0' });
    const thinking: string[] = [];
    stream.on('thinking', (delta) => thinking.push(delta));
    const failed = await stream.finalMessage().catch((error: unknown) => error);
    expect(thinking.join('')).toBe('The user wants the weather; I should call the tool.');
    expect(failed).toMatchObject({ error: { type: 'error', error: { type: 'api_error', message: expect.stringContaining('The model stopped answering.') } } });
    const { response } = await stream.withResponse();
    expect(await loggedRecord(log, response.headers.get('x-request-id'))).toMatchObject({ status: 200, error_code: expect.any(String) });
  });

  it("counts tokens for Claude on Bedrock with Bedrock's CountTokens of the body it would invoke", async () => {
    const request = { model: 'bedrock/claude-sonnet-4-5', messages: [{ role: 'user' as const, content: 'x'.repeat(400) }] };
    const counted = (await client.messages.countTokens(request)) as { input_tokens: number; estimated?: boolean };
    const [call] = upstream.requests;
    expect(call?.path).toMatch(/\/count-tokens$/);
    const invoked = Buffer.from(String((call?.body.input as { invokeModel: { body: string } }).invokeModel.body), 'base64').toString('utf8');
    expect(invoked).toBe(asSentToBedrock({ max_tokens: 1, ...request }, []));
    expect(counted).toEqual({ input_tokens: Math.ceil(Buffer.byteLength(invoked) / 4) });
  });

  it('adds auto_cache’s breakpoints to the body Bedrock receives', async () => {
    const plain = { model: 'bedrock/claude-haiku-4-5', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Weather in Paris?' }] };
    await client.messages.create({ ...plain, requesty: { auto_cache: true } } as Anthropic.MessageCreateParamsNonStreaming);
    const sent = upstream.requests.at(-1)?.body;
    expect(sent).not.toHaveProperty('requesty');
    expect(sent?.system).toEqual([{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }]);
    expect(sent?.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?', cache_control: { type: 'ephemeral' } }] }]);
  });

  it('still translates /v1/messages for a Bedrock model that is not Claude, through Converse', async () => {
    const message = await client.messages.create({ model: 'bedrock/amazon.nova-pro-v1:0', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Bedrock!' }]);
    expect(upstream.requests.at(-1)?.path).toBe('/model/amazon.nova-pro-v1:0/converse-stream');
  });
});
