import OpenAI from 'openai';
import type { ResponseCreateParamsNonStreaming, ResponseStreamEvent, Tool } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { billedWebSearches, responsesReply, responsesUsage, upstreamExtra, webSearchCalls } from '../support/mock-openai-responses.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { loggedRecord, recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const openaiUpstream = new MockOpenAIUpstream();
const azureUpstream = new MockOpenAIUpstream();
const anthropicUpstream = new MockAnthropicUpstream();
const openaiKey = 'sk-upstream-native-responses-0123456789';
const azureKey = 'azure-upstream-native-0123456789abcdef';
let gateway: LocalGateway;
let openaiUrl: string;
let client: OpenAI;
let manage: ReturnType<typeof manageClient>;
let log: ReturnType<typeof recordRequestLog>;

beforeAll(async () => {
  gateway = await startTestGateway({
    OPENAI_BASE_URL: (openaiUrl = await openaiUpstream.start()),
    OPENAI_API_KEY: openaiKey,
    // Groq, a translated target, played by the same mock (its chat completions).
    GROQ_BASE_URL: openaiUrl,
    // Azure's endpoint is the resource's root; the mock's base URL ends in /v1.
    AZURE_OPENAI_BASE_URL: (await azureUpstream.start()).replace(/\/v1$/, ''),
    AZURE_OPENAI_API_KEY: azureKey,
    ANTHROPIC_BASE_URL: await anthropicUpstream.start(),
    ANTHROPIC_API_KEY: 'sk-ant-upstream-native-responses-0123456789',
  });
  log = recordRequestLog(gateway);
  manage = manageClient(gateway.url);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await Promise.all([openaiUpstream.stop(), azureUpstream.stop(), anthropicUpstream.stop()]);
});
beforeEach(() => {
  log.records.length = 0;
});

const forecastTool: Tool = {
  type: 'function',
  name: 'get_forecast',
  description: 'Weather forecast',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

/** A request with fields the gateway has no schema for, which OpenAI must still receive. */
const clientRequest = {
  model: 'openai/gpt-4o-mini',
  instructions: 'Be brief.',
  input: 'Hello?',
  max_output_tokens: 50,
  store: true,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: 'tenant-7',
  x_client_field: { nested: [1, 'two'] },
} as unknown as ResponseCreateParamsNonStreaming;

let policies = 0;
async function fallback(...models: string[]): Promise<string> {
  const name = `responses-chain-${++policies}`;
  const created = await manage('POST', '/policy', { name, type: 'fallback', models: models.map((model) => ({ model })) });
  expect(created.status).toBe(201);
  return `policy/${name}`;
}

async function newKey(limit: { monthly_limit?: number } = {}) {
  const { json } = await manage('POST', '/apikey', { name: 'responses-native', ...limit });
  return { id: String(json.id), client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0 }) };
}

const micros = (dollars: unknown) => Math.round(Number(dollars) * 1e6);
const costOf = (usage: unknown) => (usage as { cost: number }).cost;

describe('POST /v1/responses passed through to OpenAI untranslated', () => {
  it('forwards the client’s request as it came and answers with OpenAI’s own response object, with cost', async () => {
    const { data: response, response: raw } = await client.responses.create(clientRequest).withResponse();
    const sent = openaiUpstream.requests.at(-1);
    expect(sent?.path).toBe('/v1/responses');
    expect(sent?.headers.authorization).toBe(`Bearer ${openaiKey}`);
    // Every field in the client's order; only the model is OpenAI's name, and it is always streamed.
    expect(sent?.raw).toBe(JSON.stringify({ ...clientRequest, model: 'gpt-4o-mini', stream: true }));

    expect(response.id).toMatch(/^resp_mock_/);
    expect(response.output_text).toBe(responsesReply);
    expect(response).toMatchObject(upstreamExtra);
    expect(response.usage).toEqual({ ...responsesUsage, cost: expect.any(Number), cache_savings: expect.any(Number) });
    expect(costOf(response.usage)).toBeGreaterThan(0);
    expect(raw.headers.get('x-switchboard-model')).toBe('openai/gpt-4o-mini');
    expect(Number(raw.headers.get('x-switchboard-cost'))).toBeCloseTo(costOf(response.usage), 6);

    const record = await loggedRecord(log, raw.headers.get('x-request-id'));
    expect(record).toMatchObject({
      endpoint: 'responses',
      response_id: response.id,
      model: 'openai/gpt-4o-mini',
      status: 200,
      input_tokens: 20,
      output_tokens: 6,
      cache_read_tokens: 8,
      reasoning_tokens: 2,
      usage_estimated: false,
      finish_reason: 'stop',
      cost_micros: micros(costOf(response.usage)),
    });
  });

  it('streams OpenAI’s events unchanged, sequence numbers and extra fields included, with the cost in the final usage', async () => {
    const stream = client.responses.stream({ model: 'openai/gpt-4o-mini', input: 'Hello?' });
    const events: ResponseStreamEvent[] = [];
    const deltas: string[] = [];
    stream.on('event', (event) => events.push(event));
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe(responsesReply);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i));
    // Fields OpenAI adds (obfuscation padding) reach the client as they came.
    expect(events[4]).toMatchObject({ obfuscation: 'xxx' });
    expect(final).toMatchObject(upstreamExtra);
    expect(final.usage).toMatchObject({ ...responsesUsage, cost: expect.any(Number) });
    expect(openaiUpstream.requests.at(-1)?.body).toEqual({ model: 'gpt-4o-mini', input: 'Hello?', stream: true });
  });

  it('passes on an event type it does not know, as it came', async () => {
    const stream = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'behave:upstream-note', stream: true });
    const events: Array<{ type: string }> = [];
    for await (const event of stream) events.push(event);
    expect(events.at(-2)).toEqual({ type: 'response.upstream_note', sequence_number: 10, note: 'an event type the gateway does not know' });
    expect(events.at(-1)?.type).toBe('response.completed');
  });

  it('plays a function-tool round trip on OpenAI’s stored state: function_call, then its output with previous_response_id', async () => {
    const first = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Forecast for Paris?', tools: [forecastTool] });
    const [call] = first.output.flatMap((item) => (item.type === 'function_call' ? [item] : []));
    expect(call).toMatchObject({ name: 'get_forecast', arguments: '{"city":"Paris"}', call_id: expect.stringMatching(/^call_resp_/) });

    const output = { type: 'function_call_output' as const, call_id: call?.call_id ?? '', output: '18°C' };
    const stream = client.responses.stream({ model: 'openai/gpt-4o-mini', previous_response_id: first.id, input: [output], tools: [forecastTool] });
    const reply = await stream.finalResponse();
    expect(reply.output_text).toBe(responsesReply);
    expect(reply.previous_response_id).toBe(first.id);
    expect(openaiUpstream.requests.at(-1)?.body).toMatchObject({ previous_response_id: first.id, input: [output] });

    const records = log.records.filter((record) => record.endpoint === 'responses');
    expect(records.map((record) => [record.tool_calls, record.finish_reason])).toEqual([
      [['get_forecast'], 'tool_calls'],
      [[], 'stop'],
    ]);
  });

  it('reaches Azure OpenAI’s v1 Responses API with the deployment as the model and its api-key header', async () => {
    const response = await client.responses.create({ model: 'azure/my-gpt-deployment', input: 'Hello?' });
    expect(response.output_text).toBe(responsesReply);
    const sent = azureUpstream.requests.at(-1);
    expect(sent?.path).toBe('/openai/v1/responses');
    expect(sent?.headers['api-key']).toBe(azureKey);
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.body).toMatchObject({ model: 'my-gpt-deployment', stream: true });
  });

  it('relays an upstream error status before any output through the SDK, without the upstream key', async () => {
    const failure = (await client.responses.create({ model: 'openai/error-401', input: 'Hi' }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure.status).toBe(401);
    expect(JSON.stringify(failure.error)).not.toContain('sk-proj-abcd1234');
  });
});

describe('POST /v1/responses across native and translated targets', () => {
  it('fails over from an OpenAI target answering 500 to a translated Anthropic one, streamed and whole', async () => {
    const policy = await fallback('openai/error-500', 'anthropic/claude-sonnet-4-5');
    const { data: whole, response } = await client.responses.create({ model: policy, input: 'Hello?' }).withResponse();
    expect(whole.output_text).toBe('Bonjour from Claude!');
    expect(whole.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(response.headers.get('x-switchboard-model')).toBe('anthropic/claude-sonnet-4-5');
    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record.attempts.at(0)).toMatchObject({ model: 'openai/error-500', status: 500 });
    expect(record.attempts.at(-1)).toMatchObject({ model: 'anthropic/claude-sonnet-4-5', status: 200 });
    expect(record).toMatchObject({ response_id: whole.id, model: 'anthropic/claude-sonnet-4-5' });

    const streamed = await client.responses.stream({ model: policy, input: 'Hello?' }).finalResponse();
    expect(streamed.output_text).toBe('Bonjour from Claude!');
  });

  it('serves previous_response_id only on a native target: a translated one in a policy is skipped with the reason on its attempt', async () => {
    const first = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'Remember 7.' });
    const anthropicCalls = anthropicUpstream.requests.length;
    const policy = await fallback('anthropic/claude-sonnet-4-5', 'openai/gpt-4o-mini');
    const { data, response } = await client.responses.create({ model: policy, input: 'Which number?', previous_response_id: first.id }).withResponse();
    expect(data.output_text).toBe(responsesReply);
    expect(anthropicUpstream.requests.length).toBe(anthropicCalls);
    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record.attempts).toMatchObject([
      { model: 'anthropic/claude-sonnet-4-5', status: 400, error_code: 'unsupported_parameter' },
      { model: 'openai/gpt-4o-mini', status: 200 },
    ]);
  });

  it('answers previous_response_id with a 400 naming it when no target of the policy is native', async () => {
    const policy = await fallback('anthropic/claude-sonnet-4-5', 'groq/llama-3.1-8b-instant');
    const failure = (await client.responses.create({ model: policy, input: 'Hi', previous_response_id: 'resp_1' }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(failure.status).toBe(400);
    expect(failure.param).toBe('previous_response_id');
    expect(failure.message).toMatch(/OpenAI, Azure OpenAI/);
  });
});

describe('POST /v1/responses native accounting', () => {
  it('records usage and cost in the key’s usage rows, once per request, streamed and whole', async () => {
    const { id, client: own } = await newKey();
    const whole = await own.responses.create({ model: 'openai/gpt-4o-mini', input: 'Hello?' });
    const streamed = await own.responses.stream({ model: 'openai/gpt-4o-mini', input: 'Hello?' }).finalResponse();
    const total = micros(costOf(whole.usage)) + micros(costOf(streamed.usage));
    const key = await manage('GET', `/apikey/${id}`);
    expect(micros(key.json.spend)).toBe(total);
    const range = { start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date(Date.now() + 60_000).toISOString() };
    const usage = await manage('POST', `/apikey/${id}/usage`, { ...range, resolution: 'month' });
    const [month] = Object.values(usage.json.usage as Record<string, { requests: number; total_tokens: number; spend: number }>);
    expect(month).toMatchObject({ requests: 2, total_tokens: 2 * responsesUsage.total_tokens });
    expect(micros(month?.spend)).toBe(total);
  });

  it('holds the whole context window under a spend limit when the upstream holds the conversation', async () => {
    // gpt-4o-mini's 128k-token context at $0.15 per million is about $0.02: above this limit, while a plain request's bound is far below it.
    const { json } = await manage('POST', '/apikey', { name: 'responses-limited', monthly_limit: 0.01 });
    const own = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0 });
    const plain = await own.responses.create({ model: 'openai/gpt-4o-mini', input: 'Hello?', max_output_tokens: 50 });
    expect(plain.output_text).toBe(responsesReply);
    const stateful = await own.responses.create({ model: 'openai/gpt-4o-mini', input: 'And then?', max_output_tokens: 50, previous_response_id: plain.id }).catch((error: unknown) => error);
    expect((stateful as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
  });

  it('charges each web search OpenAI ran, at its tool’s price per call, in usage.cost, x-switchboard-cost, the log and the key’s spend, streamed and whole', async () => {
    // Under a limit (far above what these cost), so the gateway bounds the searches of a request that does not.
    const { id, client: own } = await newKey({ monthly_limit: 10 });
    // gpt-4o-mini: 12 fresh input tokens at $0.15, 8 cached at $0.075 and 6 output at $0.60 per million: 6 micro-dollars.
    const tokens = 6;
    const searching = { model: 'openai/gpt-4o-mini', input: 'Weather in Paris?', tools: [{ type: 'web_search' as const }] };
    const { data: whole, response: raw } = await own.responses.create(searching).withResponse();
    expect(whole.output.map((item) => item.type)).toEqual([...webSearchCalls.map(() => 'web_search_call'), 'message']);
    // $10 per 1,000 web_search calls: the searches are billed, the page opened is not.
    const searchCost = tokens + billedWebSearches * 10_000;
    expect(micros(costOf(whole.usage))).toBe(searchCost);
    expect(micros(raw.headers.get('x-switchboard-cost'))).toBe(searchCost);
    expect(await loggedRecord(log, raw.headers.get('x-request-id'))).toMatchObject({ cost_micros: searchCost, tool_calls: ['web_search', 'web_search', 'web_search'] });
    // The request set no bound on its calls: the gateway's is sent, and held under a limit.
    expect(openaiUpstream.requests.at(-1)?.body).toMatchObject({ tools: [{ type: 'web_search' }], max_tool_calls: 20 });

    const streamed = await own.responses.stream({ ...searching, max_tool_calls: 5 }).finalResponse();
    expect(micros(costOf(streamed.usage))).toBe(searchCost);
    expect(openaiUpstream.requests.at(-1)?.body.max_tool_calls).toBe(5);
    // The preview tool costs $25 per 1,000 calls on a model that does not reason.
    const preview = await own.responses.stream({ ...searching, tools: [{ type: 'web_search_preview' }] }).finalResponse();
    const previewCost = tokens + billedWebSearches * 25_000;
    expect(micros(costOf(preview.usage))).toBe(previewCost);

    const key = await manage('GET', `/apikey/${id}`);
    expect(micros(key.json.spend)).toBe(2 * searchCost + previewCost);

    // No limit applies: the request goes as sent, however many searches it may make, and they are charged as reported.
    const { client: unlimited } = await newKey();
    const free = await unlimited.responses.create(searching);
    expect(openaiUpstream.requests.at(-1)?.body).not.toHaveProperty('max_tool_calls');
    expect(micros(costOf(free.usage))).toBe(searchCost);
  });

  it('ends a stream cut before its terminal event with an error event, and charges the delivered estimate once', async () => {
    const { id, client: own } = await newKey();
    const { data: stream, response } = await own.responses.create({ model: 'openai/gpt-4o-mini', input: 'behave:truncated', stream: true }).withResponse();
    const types: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toMatch(/ended early/);
    expect(types).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added', 'response.output_text.delta']);

    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ usage_estimated: true, error_code: 'upstream_unavailable', output_tokens: 1 });
    expect(record.cost_micros).toBeGreaterThan(0);
    const key = await manage('GET', `/apikey/${id}`);
    expect(micros(key.json.spend)).toBe(record.cost_micros);
  });

  it('replaces an upstream error event mid-stream with the gateway’s, which does not quote the upstream key', async () => {
    const stream = client.responses.stream({ model: 'openai/gpt-4o-mini', input: 'behave:stream-error' });
    const failure = (await stream.finalResponse().catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure.message).toMatch(/Failed while serving/);
    expect(failure.message).not.toContain(openaiKey);
  });
});

describe('POST /v1/responses native failures and silences', () => {
  it('fails over from an upstream error event before any output to the next target, streamed and whole', async () => {
    const policy = await fallback('openai/error-before-output', 'azure/my-gpt-deployment');
    const { data: whole, response } = await client.responses.create({ model: policy, input: 'Hello?' }).withResponse();
    expect(whole.output_text).toBe(responsesReply);
    expect(response.headers.get('x-switchboard-model')).toBe('azure/my-gpt-deployment');
    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record.attempts.at(0)).toMatchObject({ model: 'openai/error-before-output', status: 500, error_code: 'server_error' });
    expect(record.attempts.at(-1)).toMatchObject({ model: 'azure/my-gpt-deployment', status: 200 });
    // The failed attempt's response id was never the client's.
    expect(record).toMatchObject({ response_id: whole.id, status: 200, error_code: null });

    const { data: stream, response: streamed } = await client.responses.create({ model: policy, input: 'Hello?', stream: true }).withResponse();
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const final = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>;
    expect(final.type).toBe('response.completed');
    expect(await loggedRecord(log, streamed.headers.get('x-request-id'))).toMatchObject({ response_id: final.response.id, model: 'azure/my-gpt-deployment' });
  });

  it('answers an upstream error event before any output, with no target left, as an OpenAI error without the upstream key', async () => {
    for (const stream of [false, true]) {
      const failure = (await client.responses.create({ model: 'openai/error-before-output', input: 'Hi', stream }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect(failure.status).toBe(500);
      expect(failure.error).toMatchObject({ message: expect.stringContaining('Failed before output'), code: 'server_error', type: expect.any(String) });
      expect(JSON.stringify(failure.error)).not.toContain(openaiKey);
    }
  });

  it('passes a response.failed terminal event through with the upstream key redacted from its message', async () => {
    const { data: stream, response } = await client.responses.create({ model: 'azure/failed', input: 'Hi', stream: true }).withResponse();
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.failed']);
    const failed = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.failed' }>;
    expect(failed.response).toMatchObject({ status: 'failed', error: { code: 'server_error', message: expect.stringContaining('The model failed while serving') } });
    expect(failed.response.error?.message).toContain('[redacted]');
    expect(JSON.stringify(events)).not.toContain(azureKey);
    const record = await loggedRecord(log, response.headers.get('x-request-id'));
    expect(record).toMatchObject({ status: 200, error_code: 'server_error', usage_estimated: true });

    // Whole, nothing has reached the client: the failure is the attempt's, told as the gateway's error.
    const whole = (await client.responses.create({ model: 'azure/failed', input: 'Hi' }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(whole).toBeInstanceOf(OpenAI.APIError);
    expect(whole.message).toContain('The model failed while serving');
    expect(JSON.stringify(whole.error)).not.toContain(azureKey);
  });

  describe('on a gateway whose keep-alive interval is short', () => {
    let quick: LocalGateway;
    beforeAll(async () => {
      quick = await startTestGateway({ OPENAI_BASE_URL: openaiUrl, OPENAI_API_KEY: openaiKey, SWITCHBOARD_KEEPALIVE_MS: '100' });
    }, 60_000);
    afterAll(async () => {
      await quick?.stop();
    });

    it('sends keep-alive comments while a native stream is silent, then the rest of it', async () => {
      const response = await fetch(`${quick.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', input: 'behave:pause', stream: true }),
      });
      expect(response.status).toBe(200);
      const body = await response.text();
      // The mock is silent for a second after its first delta: ten intervals, of which a busy machine may lose some.
      const silence = body.slice(body.indexOf('response.output_text.delta'), body.indexOf('event: response.output_text.done'));
      expect(silence.match(/^: keep-alive$/gm)?.length).toBeGreaterThanOrEqual(2);
      const deltas = [...body.matchAll(/"delta":"([^"]*)"/g)].map((match) => match[1]);
      expect(deltas.join('')).toBe(responsesReply);
      expect(body.trimEnd()).toMatch(/event: response\.completed\ndata: .+$/);
    });
  });
});
