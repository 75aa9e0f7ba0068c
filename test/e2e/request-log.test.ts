import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestLogRecord } from '../../lambdas/core/request-log/request-log-record.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream, upstreamUsage } from '../support/mock-openai-upstream.js';
import { recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let client: OpenAI;
let log: ReturnType<typeof recordRequestLog>;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), OPENAI_API_KEY: 'sk-upstream-log-0123456789' });
  log = recordRequestLog(gateway);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});
beforeEach(() => {
  log.records.length = 0;
});

const hello = [{ role: 'user' as const, content: 'Hi' }];

/** The one record of the request `requestId`, once written. */
async function recordOf(requestId: string | null): Promise<RequestLogRecord> {
  await vi.waitFor(() => expect(log.records.filter((record) => record.request_id === requestId)).toHaveLength(1), { timeout: 5_000 });
  return log.records.find((record) => record.request_id === requestId) as RequestLogRecord;
}

describe('the request log', () => {
  it('records a JSON chat answer with who asked, what it cost and what the client was told', async () => {
    const { data, response } = await client.chat.completions
      .create(
        {
          model: 'openai/gpt-4o-mini',
          messages: hello,
          requesty: { user_id: 'ada', trace_id: 'trace-1', tags: ['beta', 'ui'], extra: { team: 'core', seats: 3 } },
        } as OpenAI.ChatCompletionCreateParamsNonStreaming,
        { headers: { 'X-Title': 'Notebook', 'HTTP-Referer': 'https://notebook.example', 'X-OpenWebUI-User-Email': 'ada@example.com' } },
      )
      .withResponse();
    const record = await recordOf(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      response_id: data.id,
      endpoint: 'chat',
      region: 'us-east-1',
      user_id: 'ada',
      trace_id: 'trace-1',
      tags: ['beta', 'ui'],
      extra: { team: 'core', seats: '3', 'X-Openwebui-User-Email': 'ada@example.com', 'X-Title': 'Notebook', 'Http-Referer': 'https://notebook.example' },
      app_title: 'Notebook',
      app_referer: 'https://notebook.example',
      user_agent: 'openai-node',
      model_requested: 'openai/gpt-4o-mini',
      model: 'openai/gpt-4o-mini',
      provider: 'openai',
      policy: null,
      attempts: [{ model: 'openai/gpt-4o-mini', status: 200, error_code: null }],
      status: 200,
      error_type: null,
      error_code: null,
      stream: false,
      input_tokens: upstreamUsage.prompt_tokens,
      output_tokens: upstreamUsage.completion_tokens,
      cache_read_tokens: upstreamUsage.prompt_tokens_details.cached_tokens,
      cache_write_tokens: 0,
      usage_estimated: false,
      finish_reason: 'stop',
      tools_offered: [],
      tool_calls: [],
    });
    // Exactly what the client was told it cost; cached input is never dearer than fresh input.
    expect(record.cost_micros).toBe(Math.round(Number(response.headers.get('x-switchboard-cost')) * 1e6));
    expect(record.cost_without_cache_micros).toBeGreaterThanOrEqual(record.cost_micros ?? Infinity);
    expect(record.first_token_ms).not.toBeNull();
    expect(record.latency_ms).toBeGreaterThanOrEqual(record.first_token_ms ?? 0);
    expect(record.bytes_in).toBeGreaterThan(0);
    expect(record.bytes_out).toBe(Buffer.byteLength(JSON.stringify(data)));
    expect(record.api_key_id).toMatch(/\S/);
    expect(JSON.stringify(record)).not.toContain(testKey);
  });

  it('records a streamed answer with the tools offered and called', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'openai/gpt-4o-mini',
        messages: hello,
        stream: true,
        stream_options: { include_usage: true },
        tools: [
          { type: 'function', function: { name: 'get_forecast', parameters: { type: 'object' } } },
          { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } },
        ],
      })
      .withResponse();
    let cost = 0;
    for await (const chunk of stream) cost += (chunk.usage as { cost?: number } | undefined)?.cost ?? 0;
    const record = await recordOf(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      stream: true,
      response_id: 'chatcmpl-upstream-tools',
      tools_offered: ['get_forecast', 'get_time'],
      tool_calls: ['get_forecast', 'get_forecast'],
      finish_reason: 'tool_calls',
      usage_estimated: false,
      input_tokens: upstreamUsage.prompt_tokens,
    });
    expect(record.cost_micros).toBe(Math.round(cost * 1e6));
    expect(record.bytes_out).toBeGreaterThan(0);
  });

  it('records every attempt of a policy that failed over, and the policy', async () => {
    const manage = manageClient(gateway.url);
    expect((await manage('POST', '/policy', { name: 'log-chain', type: 'fallback', models: [{ model: 'openai/error-503' }, { model: 'openai/gpt-4o-mini' }] })).status).toBe(201);
    const { response } = await client.chat.completions.create({ model: 'policy/log-chain', messages: hello }).withResponse();
    const record = await recordOf(response.headers.get('x-request-id'));
    expect(record).toMatchObject({
      model_requested: 'policy/log-chain',
      policy: 'log-chain',
      model: 'openai/gpt-4o-mini',
      status: 200,
      attempts: [
        { model: 'openai/error-503', status: 503, first_token_ms: null },
        { model: 'openai/gpt-4o-mini', status: 200, error_code: null },
      ],
    });
    expect(record.attempts[0]?.error_code).toMatch(/\S/);
  });

  it('records a failure with the status and error the client got, and charges nothing', async () => {
    const error = (await client.chat.completions.create({ model: 'openai/error-400', messages: hello }).catch((thrown: unknown) => thrown)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(error.status).toBe(400);
    const record = await recordOf(error.headers?.get('x-request-id') ?? null);
    expect(record).toMatchObject({
      status: 400,
      error_type: error.type,
      model: null,
      provider: null,
      cost_micros: 0,
      input_tokens: 0,
      attempts: [{ model: 'openai/error-400', status: 400 }],
    });
    expect(record.error_code).toMatch(/\S/);
  });

  it('records a request whose body is refused, but none without a valid key', async () => {
    const refused = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
      body: '{"model": 7}',
    });
    expect(refused.status).toBe(400);
    expect(await recordOf(refused.headers.get('x-request-id'))).toMatchObject({ status: 400, error_type: 'invalid_request_error', attempts: [] });
    const anonymous = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sb-nobody' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(log.records.filter((record) => record.request_id === anonymous.headers.get('x-request-id'))).toEqual([]);
  });

  it('records a stream its client cut with the estimate it was charged, once', async () => {
    const controller = new AbortController();
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'openai/gated-stream', messages: hello, stream: true }, { signal: controller.signal })
      .withResponse();
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    controller.abort();
    const record = await recordOf(response.headers.get('x-request-id'));
    upstream.releaseGate();
    expect(record).toMatchObject({ stream: true, usage_estimated: true, model: 'openai/gated-stream' });
    expect(record.output_tokens).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(log.records.filter((each) => each.request_id === record.request_id)).toHaveLength(1);
  });

  it('records Messages and embeddings requests under their endpoints', async () => {
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: testKey, maxRetries: 0 });
    const { data: message, response } = await anthropic.messages
      .create({ model: 'openai/gpt-4o-mini', max_tokens: 20, messages: hello })
      .withResponse();
    expect(await recordOf(response.headers.get('x-request-id'))).toMatchObject({
      endpoint: 'messages',
      response_id: message.id,
      user_agent: 'anthropic-node',
      input_tokens: upstreamUsage.prompt_tokens,
    });
    const { response: embedded } = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: ['a', 'b'] }).withResponse();
    const record = await recordOf(embedded.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'embeddings', input_tokens: 6, output_tokens: 0, stream: false });
    expect(record.cost_micros).toBe(Math.round(Number(embedded.headers.get('x-switchboard-cost')) * 1e6));
  });
});
