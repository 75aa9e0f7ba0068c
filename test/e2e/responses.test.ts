import OpenAI from 'openai';
import type { ResponseInputItem, ResponseStreamEvent, Tool } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { anthropicThinking, MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.js';
import { MockOpenAIUpstream, upstreamReply, upstreamUsage } from '../support/mock-openai-upstream.js';
import { loggedRecord, recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const openaiUpstream = new MockOpenAIUpstream();
const anthropicUpstream = new MockAnthropicUpstream();
const geminiUpstream = new MockGeminiUpstream();
let gateway: LocalGateway;
let client: OpenAI;
let log: ReturnType<typeof recordRequestLog>;

beforeAll(async () => {
  gateway = await startTestGateway({
    GROQ_BASE_URL: await openaiUpstream.start(),
    GROQ_API_KEY: 'gsk-upstream-responses-0123456789',
    ANTHROPIC_BASE_URL: await anthropicUpstream.start(),
    ANTHROPIC_API_KEY: 'sk-ant-upstream-0123456789',
    GEMINI_BASE_URL: await geminiUpstream.start(),
    GEMINI_API_KEY: 'AIza-upstream-0123456789',
  });
  log = recordRequestLog(gateway);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await Promise.all([openaiUpstream.stop(), anthropicUpstream.stop(), geminiUpstream.stop()]);
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

const recordOf = (requestId: string | null) => loggedRecord(log, requestId);

/** Plays a function-tool round trip: the model calls, the caller answers every call, the model replies in text. */
async function roundTrip(model: string, stream: boolean): Promise<{ calls: OpenAI.Responses.ResponseFunctionToolCall[]; reply: OpenAI.Responses.Response }> {
  const input: ResponseInputItem[] = [{ role: 'user', content: 'Forecast for Paris?' }];
  const ask = (items: ResponseInputItem[]) =>
    stream
      ? client.responses.stream({ model, input: items, tools: [forecastTool] }).finalResponse()
      : client.responses.create({ model, input: items, tools: [forecastTool] });
  const first = await ask(input);
  const calls = first.output.flatMap((item) => (item.type === 'function_call' ? [item] : []));
  const reply = await ask([
    ...input,
    ...calls,
    ...calls.map((call): ResponseInputItem => ({ type: 'function_call_output', call_id: call.call_id, output: `18°C in ${(JSON.parse(call.arguments) as { city: string }).city}` })),
  ]);
  return { calls, reply };
}

describe('POST /v1/responses with the OpenAI SDK, translated for an OpenAI-compatible host without a Responses API (Groq)', () => {
  it('answers responses.create with output text, usage with cached and reasoning tokens, and cost', async () => {
    const { data: response, response: raw } = await client.responses
      .create({ model: 'groq/llama-3.1-8b-instant', instructions: 'Be brief.', input: 'Hello?', max_output_tokens: 50, temperature: 0.5 })
      .withResponse();
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe(upstreamReply);
    expect(response.output).toEqual([
      { id: expect.stringMatching(/^msg_/), type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: upstreamReply, annotations: [], logprobs: [] }] },
    ]);
    expect(response.usage).toEqual({
      input_tokens: upstreamUsage.prompt_tokens,
      input_tokens_details: { cached_tokens: upstreamUsage.prompt_tokens_details.cached_tokens },
      output_tokens: upstreamUsage.completion_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: upstreamUsage.total_tokens,
      cost: expect.any(Number),
    });
    expect(raw.headers.get('x-switchboard-model')).toBe('groq/llama-3.1-8b-instant');
    expect(Number(raw.headers.get('x-switchboard-cost'))).toBeCloseTo((response.usage as unknown as { cost: number }).cost, 6);
    expect(openaiUpstream.requests.at(-1)?.body).toMatchObject({
      model: 'llama-3.1-8b-instant',
      max_completion_tokens: 50,
      temperature: 0.5,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello?' },
      ],
    });
    const record = await recordOf(raw.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'responses', response_id: response.id, model: 'groq/llama-3.1-8b-instant', status: 200, input_tokens: 12, output_tokens: 5 });
    expect(record.cost_micros).toBeGreaterThan(0);
  });

  it('streams typed events in order that responses.stream assembles into the final response', async () => {
    const stream = client.responses.stream({ model: 'groq/llama-3.1-8b-instant', input: 'Hello?' });
    const events: ResponseStreamEvent[] = [];
    const deltas: string[] = [];
    stream.on('event', (event) => events.push(event));
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(upstreamReply);
    expect(deltas.join('')).toBe(upstreamReply);
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
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 5, input_tokens_details: { cached_tokens: 4 } });
    expect(final.status).toBe('completed');
  });

  it('plays a function-tool round trip with responses.create: the calls, then their outputs as tool messages', async () => {
    const { calls, reply } = await roundTrip('groq/llama-3.1-8b-instant', false);
    expect(calls.map((call) => [call.name, call.arguments])).toEqual([
      ['get_forecast', '{"city":"Paris"}'],
      ['get_forecast', '{"city":"Lyon"}'],
    ]);
    expect(calls.map((call) => call.call_id)).toEqual(['call_up_0', 'call_up_1']);
    expect(reply.output_text).toBe(upstreamReply);
    expect(openaiUpstream.requests.at(-1)?.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_forecast', parameters: forecastTool.parameters, strict: false } }],
      messages: [
        { role: 'user', content: 'Forecast for Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_up_0', type: 'function', function: { name: 'get_forecast', arguments: '{"city":"Paris"}' } },
            { id: 'call_up_1', type: 'function', function: { name: 'get_forecast', arguments: '{"city":"Lyon"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_up_0', content: '18°C in Paris' },
        { role: 'tool', tool_call_id: 'call_up_1', content: '18°C in Lyon' },
      ],
    });
  });

  it('streams function calls as argument deltas the SDK assembles', async () => {
    const stream = client.responses.stream({ model: 'groq/llama-3.1-8b-instant', input: 'Forecast?', tools: [forecastTool] });
    const argumentDeltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (event) => argumentDeltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(argumentDeltas.join('')).toBe('{"city":"Paris"}{"city":"Lyon"}');
    expect(final.output.map((item) => item.type === 'function_call' && [item.call_id, item.arguments, item.status])).toEqual([
      ['call_up_0', '{"city":"Paris"}', 'completed'],
      ['call_up_1', '{"city":"Lyon"}', 'completed'],
    ]);
  });

  it('passes images and files as chat parts, and structured output as response_format', async () => {
    await client.responses.create({
      model: 'groq/llama-3.1-8b-instant',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' },
            { type: 'input_file', file_url: 'https://example.com/b.pdf' },
          ],
        },
      ],
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object', properties: {} }, strict: true } },
      reasoning: { effort: 'low' },
    });
    expect(openaiUpstream.requests.at(-1)?.body).toMatchObject({
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: {} }, strict: true } },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
            { type: 'input_file', file_data: 'https://example.com/b.pdf' },
          ],
        },
      ],
    });
  });
});

describe('POST /v1/responses translated for an Anthropic-protocol upstream', () => {
  it('plays a function-tool round trip with responses.create', async () => {
    const { calls, reply } = await roundTrip('anthropic/claude-sonnet-4-5', false);
    expect(calls).toEqual([expect.objectContaining({ type: 'function_call', call_id: 'toolu_mock_1', name: 'get_forecast', arguments: '{"city": "Paris", "days": 3}' })]);
    expect(reply.output_text).toBe('Bonjour from Claude!');
    expect(anthropicUpstream.requests.at(-1)?.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Forecast for Paris?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_mock_1', name: 'get_forecast', input: { city: 'Paris', days: 3 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_mock_1', content: '18°C in Paris' }] },
    ]);
  });

  it('plays a function-tool round trip with responses.stream', async () => {
    const { calls, reply } = await roundTrip('anthropic/claude-sonnet-4-5', true);
    expect(calls.map((call) => [call.call_id, call.arguments])).toEqual([['toolu_mock_1', '{"city": "Paris", "days": 3}']]);
    expect(reply.output_text).toBe('Bonjour from Claude!');
  });

  it('returns reasoning as a summary when one is asked for, streamed and whole', async () => {
    const params = { model: 'anthropic/claude-sonnet-4-5', input: 'Think.', max_output_tokens: 4000, reasoning: { effort: 'low' as const, summary: 'auto' as const } };
    const whole = await client.responses.create(params);
    expect(whole.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(whole.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: anthropicThinking }] });
    expect(anthropicUpstream.requests.at(-1)?.body.thinking).toMatchObject({ type: 'enabled' });

    const stream = client.responses.stream(params);
    const summary: string[] = [];
    stream.on('response.reasoning_summary_text.delta', (event) => summary.push(event.delta));
    const final = await stream.finalResponse();
    expect(summary.join('')).toBe(anthropicThinking);
    expect(final.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: anthropicThinking }] });
    expect(final.output_text).toBe('Bonjour from Claude!');

    const unasked = await client.responses.create({ ...params, reasoning: { effort: 'low' } });
    expect(unasked.output.map((item) => item.type)).toEqual(['message']);
  });
});

describe('POST /v1/responses translated for a Gemini-protocol upstream', () => {
  it('plays a function-tool round trip with responses.create', async () => {
    const { calls, reply } = await roundTrip('google/gemini-2.5-flash', false);
    expect(calls.map((call) => [call.name, call.arguments])).toEqual([['get_forecast', '{"city":"Paris"}']]);
    expect(reply.output_text).toBe('Hello from Gemini!');
    expect(geminiUpstream.requests.at(-1)?.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Forecast for Paris?' }] },
      { role: 'model', parts: [expect.objectContaining({ functionCall: expect.objectContaining({ name: 'get_forecast', args: { city: 'Paris' } }) })] },
      { role: 'user', parts: [{ functionResponse: expect.objectContaining({ name: 'get_forecast' }) }] },
    ]);
  });

  it('plays a function-tool round trip with responses.stream', async () => {
    const { calls, reply } = await roundTrip('google/gemini-2.5-flash', true);
    expect(calls.map((call) => [call.name, call.arguments])).toEqual([['get_forecast', '{"city":"Paris"}']]);
    expect(reply.output_text).toBe('Hello from Gemini!');
    expect(reply.usage).toMatchObject({ input_tokens: 11, input_tokens_details: { cached_tokens: 3 } });
  });
});

describe('POST /v1/responses refusals', () => {
  const refusal = async (body: Record<string, unknown>) => {
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'anthropic/claude-sonnet-4-5', input: 'Hi', ...body }),
    });
    return { status: response.status, body: (await response.json()) as { error: { param: string | null; message: string } } };
  };

  it('refuses previous_response_id on a translated model with a 400 naming it: the gateway keeps no responses', async () => {
    const { status, body } = await refusal({ previous_response_id: 'resp_123' });
    expect(status).toBe(400);
    expect(body.error.param).toBe('previous_response_id');
    expect(body.error.message).toMatch(/whole conversation/);
  });

  it('refuses built-in tools and item references by name, and malformed items by path', async () => {
    expect((await refusal({ tools: [{ type: 'web_search' }] })).body.error.param).toBe('tools[0].type');
    expect((await refusal({ input: [{ type: 'item_reference', id: 'msg_1' }] })).body.error.param).toBe('input[0].type');
    const malformed = await refusal({ input: [{ type: 'function_call_output', output: 'x' }] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.param).toBe('input[0].call_id');
  });

  it('raises an upstream failure through the SDK with its status', async () => {
    const failure = await client.responses.create({ model: 'groq/error-400', input: 'Hi' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
  });
});
