import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';
import { sendVariedTraffic, type Told } from '../support/varied-traffic.js';

/**
 * Issue 12's proof: varied traffic through the real local server, written by its own request-log
 * sink to the data folder, read back by the analytics endpoint through DuckDB; the totals equal,
 * exactly, what the clients were told.
 */
const openai = new MockOpenAIUpstream();
const anthropic = new MockAnthropicUpstream();
const gemini = new MockGeminiUpstream();
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;
let told: Told[];
/** The key whose streams were cut by their clients: told nothing, charged what the ledger says. */
let cutKey: { id: string; key: string };
/** The id of the key the varied traffic used. */
let toldKeyId: string;
const cutStreams = 3;

type Row = Record<string, string | number | null>;

const day = 24 * 60 * 60_000;
async function analytics(spec: Record<string, unknown>): Promise<Row[]> {
  const range = { start: new Date(Date.now() - day).toISOString(), end: new Date(Date.now() + day).toISOString() };
  const { status, json } = await manage('POST', '/analytics', { ...range, ...spec });
  expect(status, JSON.stringify(json)).toBe(200);
  return json.rows as Row[];
}

const micros = (dollars: number | string | null | undefined) => Math.round(Number(dollars ?? 0) * 1e6);
const total = (pick: (each: Told) => number) => told.reduce((sum, each) => sum + pick(each), 0);

beforeAll(async () => {
  gateway = await startTestGateway({
    SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'analytics-totals-')),
    OPENAI_BASE_URL: await openai.start(),
    OPENAI_API_KEY: 'sk-upstream-analytics-0123456789',
    ANTHROPIC_BASE_URL: await anthropic.start(),
    ANTHROPIC_API_KEY: 'sk-ant-upstream-analytics-0123456789',
    GEMINI_BASE_URL: await gemini.start(),
    GEMINI_API_KEY: 'AIza-upstream-analytics-0123456789',
  });
  manage = manageClient(gateway.url);
  expect((await manage('POST', '/policy', { name: 'totals-chain', type: 'fallback', models: [{ model: 'openai/error-503' }, { model: 'openai/gpt-4o-mini' }] })).status).toBe(201);
  told = await sendVariedTraffic({ gatewayUrl: gateway.url, key: testKey, failoverPolicy: 'policy/totals-chain' });

  const created = await manage('POST', '/apikey', { name: 'cut streams' });
  cutKey = { id: String(created.json.id), key: String(created.json.key) };
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: cutKey.key, maxRetries: 0 });
  for (let i = 0; i < cutStreams; i++) {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'behave:gated-stream' }], stream: true },
      { signal: controller.signal },
    );
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
    controller.abort();
  }
  openai.releaseGate();
  // The local sink writes every second: wait until every request is in the files.
  await vi.waitFor(async () => expect((await analytics({ metrics: ['requests'] }))[0]?.requests).toBe(told.length + cutStreams), {
    timeout: 20_000,
    interval: 500,
  });
  const { json: keys } = await manage('GET', '/apikey');
  toldKeyId = String((keys.data as Array<{ id: string; name: string }>).find((key) => key.name === 'development')?.id);
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([openai.stop(), anthropic.stop(), gemini.stop()]);
});

describe('analytics over the local request log', () => {
  it('has about fifty varied requests, one record each', () => {
    expect(told.length).toBeGreaterThanOrEqual(45);
    expect(new Set(told.map((each) => each.requestId)).size).toBe(told.length);
  });

  it('totals exactly the cost and tokens the clients were told', async () => {
    const rows = await analytics({
      metrics: ['requests', 'cost', 'input_tokens', 'output_tokens', 'cached_tokens', 'error_rate'],
      group_by: ['api_key'],
    });
    expect(rows.map((row) => row.api_key).sort()).toEqual([cutKey.id, toldKeyId].sort());
    const told_ = rows.find((row) => row.api_key === toldKeyId);
    expect(told_).toMatchObject({
      requests: told.length,
      input_tokens: total((each) => each.inputTokens),
      output_tokens: total((each) => each.outputTokens),
      cached_tokens: total((each) => each.cachedTokens),
    });
    expect(micros(told_?.cost)).toBe(total((each) => micros(each.cost)));
    expect(Number(told_?.error_rate)).toBeCloseTo(told.filter((each) => !each.ok).length / told.length, 9);
  });

  it('totals what the ledger charged the streams cut by their clients', async () => {
    const [row] = await analytics({ metrics: ['requests', 'cost', 'output_tokens'], filters: { api_key: [cutKey.id] } });
    const { json: key } = await manage('GET', `/apikey/${cutKey.id}`);
    expect(row?.requests).toBe(cutStreams);
    expect(micros(row?.cost)).toBe(micros(Number(key.spend)));
    expect(Number(row?.output_tokens)).toBeGreaterThan(0);
  });

  it('puts percentiles within the latencies observed, in order', async () => {
    const [row] = await analytics({
      metrics: ['latency_avg', 'latency_p50', 'latency_p90', 'latency_p95', 'latency_p99', 'first_token_p50'],
      filters: { api_key: [toldKeyId] },
    });
    const slowest = Math.max(...told.map((each) => each.durationMs));
    const [p50, p90, p95, p99] = ['latency_p50', 'latency_p90', 'latency_p95', 'latency_p99'].map((name) => Number(row?.[name]));
    expect(p50).toBeGreaterThanOrEqual(0);
    expect(p50).toBeLessThanOrEqual(p90 as number);
    expect(p90).toBeLessThanOrEqual(p95 as number);
    expect(p95).toBeLessThanOrEqual(p99 as number);
    // The gateway's latency ends with its last byte, before the client has read it.
    expect(p99).toBeLessThanOrEqual(Math.ceil(slowest));
    expect(Number(row?.first_token_p50)).toBeLessThanOrEqual(p99 as number);
  });

  it('groups by user, provider, policy, tool and extra as the requests said', async () => {
    const byUser = await analytics({ metrics: ['requests'], group_by: ['user'] });
    expect(byUser.find((row) => row.user === 'ada')?.requests).toBeGreaterThan(0);
    const byProvider = await analytics({ metrics: ['requests'], group_by: ['provider'] });
    expect(byProvider.map((row) => row.provider)).toEqual(expect.arrayContaining(['openai', 'anthropic', 'google']));
    const [policy] = await analytics({ metrics: ['requests', 'failover_rate'], filters: { policy: ['totals-chain'] } });
    expect(policy).toMatchObject({ requests: 4, failover_rate: 1 });
    const byTool = await analytics({ metrics: ['tool_calls', 'tool_requests'], group_by: ['tool'], filters: { tool: ['get_forecast'] } });
    expect(byTool[0]?.tool_calls).toBe(total((each) => each.toolCalls));
    expect(Number(byTool[0]?.tool_calls)).toBeGreaterThan(0);
    const byEmail = await analytics({ metrics: ['requests'], group_by: ['extra.X-Openwebui-User-Email'], filters: { 'extra.X-Openwebui-User-Email': ['ada@example.com'] } });
    expect(byEmail[0]?.requests).toBeGreaterThan(0);
  });
});
