import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbAnalyticsEngine } from '../../lambdas/adapters/duckdb/duckdb-analytics-engine.js';
import { analyticsReport } from '../../lambdas/core/analytics/analytics-report.js';
import { analyticsSpecSchema } from '../../lambdas/core/analytics/analytics-spec.js';
import { sqlString } from '../../lambdas/core/analytics/sql-literal.js';
import type { RequestLogRecord } from '../../lambdas/core/request-log/request-log-record.js';
import { namedQueries } from '../../lib/named-queries.js';
import { fixtureFeedback, fixtureInRange, fixtureRequests, inRange, sum } from '../support/analytics-fixtures.js';
import { specMatrix } from '../support/analytics-spec-matrix.js';
import { writeLogFiles } from '../support/request-log-fixtures.js';

const logsDir = mkdtempSync(join(tmpdir(), 'analytics-'));
const engine = new DuckDbAnalyticsEngine(logsDir);
const now = Date.parse('2026-11-04T12:00:00Z');

/** A copy filed a day later than its record's time: a retried put that arrived after midnight. */
const nextDay = ({ timestamp }: { timestamp: string }) => new Date(Date.parse(timestamp) + 86_400_000).toISOString();

// Every test runs over logs holding each record twice, as Firehose's at-least-once delivery can
// write them: the copy in a file of its own, a third of the copies filed under the next day (the
// record just before the range among them: its copy lies in the range's first day's folder).
beforeAll(() => {
  for (const [table, records] of [
    ['requests', fixtureRequests],
    ['feedback', fixtureFeedback],
  ] as const) {
    writeLogFiles(logsDir, table, records);
    writeLogFiles(logsDir, table, records, { file: 'redelivered.jsonl', day: (record, index) => (index % 3 === 1 ? nextDay(record) : record.timestamp) });
  }
});
afterAll(() => engine.close());

async function report(body: Record<string, unknown>, on = engine) {
  return analyticsReport(analyticsSpecSchema.parse({ ...inRange, ...body }), on, now);
}

const failed = (record: RequestLogRecord) => record.status >= 400 || record.error_code !== null;
const total = (rows: Record<string, unknown>[], column: string) => rows.reduce((sum, row) => sum + Number(row[column] ?? 0), 0);
const byKey = <T>(rows: Record<string, unknown>[], key: string, value: (row: Record<string, unknown>) => T) => Object.fromEntries(rows.map((row) => [String(row[key]), value(row)]));

describe('DuckDB analytics over the local JSON-lines logs', () => {
  it('totals the range exactly: requests, tokens and money equal the sums of the records', async () => {
    const { rows } = await report({
      metrics: ['requests', 'input_tokens', 'output_tokens', 'cached_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens', 'cost', 'cost_without_cache', 'savings'],
    });
    expect(rows).toEqual([
      {
        requests: 40,
        input_tokens: sum(fixtureInRange, (r) => r.input_tokens),
        output_tokens: sum(fixtureInRange, (r) => r.output_tokens),
        cached_tokens: sum(fixtureInRange, (r) => r.cache_read_tokens),
        cache_write_tokens: sum(fixtureInRange, (r) => r.cache_write_tokens),
        reasoning_tokens: sum(fixtureInRange, (r) => r.reasoning_tokens),
        total_tokens: sum(fixtureInRange, (r) => r.input_tokens + r.output_tokens),
        // Integer micro-dollars summed, divided once: the very number the client-side sum gives.
        cost: sum(fixtureInRange, (r) => r.cost_micros) / 1e6,
        cost_without_cache: sum(fixtureInRange, (r) => r.cost_without_cache_micros) / 1e6,
        savings: sum(fixtureInRange, (r) => (r.cost_micros === null ? 0 : (r.cost_without_cache_micros ?? 0) - r.cost_micros)) / 1e6,
      },
    ]);
  });

  it('computes the rates from their definitions', async () => {
    const [row] = (await report({ metrics: ['error_rate', 'failover_rate', 'cache_hit_rate', 'token_cache_rate', 'savings_percent', 'latency_avg', 'first_token_avg'] })).rows;
    const priced = fixtureInRange.filter((r) => r.cost_micros !== null);
    const withFirstToken = fixtureInRange.filter((r) => r.first_token_ms !== null);
    expect(row).toEqual({
      error_rate: fixtureInRange.filter(failed).length / 40,
      failover_rate: fixtureInRange.filter((r) => r.attempts.length > 1).length / 40,
      cache_hit_rate: fixtureInRange.filter((r) => r.cache_read_tokens > 0).length / 40,
      token_cache_rate: sum(fixtureInRange, (r) => r.cache_read_tokens) / sum(fixtureInRange, (r) => r.input_tokens),
      savings_percent: expect.closeTo((100 * sum(priced, (r) => (r.cost_without_cache_micros ?? 0) - (r.cost_micros ?? 0))) / sum(priced, (r) => r.cost_without_cache_micros), 10),
      latency_avg: expect.closeTo(sum(fixtureInRange, (r) => r.latency_ms) / 40, 10),
      first_token_avg: expect.closeTo(sum(withFirstToken, (r) => r.first_token_ms) / withFirstToken.length, 10),
    });
  });

  it('puts every percentile within the observed values, in order', async () => {
    const { rows } = await report({ metrics: ['latency_p50', 'latency_p90', 'latency_p95', 'latency_p99', 'first_token_p50', 'first_token_p95'], group_by: ['model'] });
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const records = fixtureInRange.filter((r) => r.model === row.model);
      const latencies = records.map((r) => r.latency_ms);
      const firstTokens = records.flatMap((r) => (r.first_token_ms === null ? [] : [r.first_token_ms]));
      const percentiles = [row.latency_p50, row.latency_p90, row.latency_p95, row.latency_p99].map(Number);
      for (const value of percentiles) expect(latencies).toContain(value);
      expect(percentiles).toEqual([...percentiles].sort((a, b) => a - b));
      if (firstTokens.length) expect(firstTokens).toContain(row.first_token_p50);
      else expect(row.first_token_p50).toBeNull();
    }
  });

  it('groups by model (with the failed requests under null) and sorts by the first metric', async () => {
    const { rows, columns } = await report({ metrics: ['cost', 'requests'], group_by: ['model'] });
    expect(columns).toEqual(['model', 'cost', 'requests']);
    const expected = [...new Set(fixtureInRange.map((r) => r.model))].map((model) => {
      const records = fixtureInRange.filter((r) => r.model === model);
      return { model, cost: sum(records, (r) => r.cost_micros) / 1e6, requests: records.length };
    });
    expect(rows).toEqual(expected.sort((a, b) => b.cost - a.cost));
  });

  it('groups by tag, counting a request under each of its tags and an untagged one under null', async () => {
    const { rows } = await report({ metrics: ['requests'], group_by: ['tag'] });
    expect(byKey(rows, 'tag', (row) => row.requests)).toEqual({
      prod: fixtureInRange.filter((r) => r.tags.includes('prod')).length,
      search: fixtureInRange.filter((r) => r.tags.includes('search')).length,
      null: fixtureInRange.filter((r) => r.tags.length === 0).length,
    });
  });

  it('groups by app: its X-Title, else its referer, as usage by origin_title counts it', async () => {
    const { rows } = await report({ metrics: ['requests'], group_by: ['app'] });
    expect(byKey(rows, 'app', (row) => row.requests)).toEqual({
      'Open WebUI': fixtureInRange.filter((r) => r.app_title === 'Open WebUI').length,
      'https://chat.example.com': fixtureInRange.filter((r) => r.app_referer === 'https://chat.example.com').length,
      null: fixtureInRange.filter((r) => r.app_title === null && r.app_referer === null).length,
    });
    const filtered = await report({ metrics: ['requests'], filters: { app: ['https://chat.example.com'] } });
    expect(filtered.rows).toEqual([{ requests: fixtureInRange.filter((r) => r.app_referer === 'https://chat.example.com').length }]);
  });

  it('groups by extra fields and captured headers, quotes and all', async () => {
    const { rows } = await report({ metrics: ['requests'], group_by: ['extra.team', 'extra.header.x-title'] });
    expect(rows).toEqual(
      expect.arrayContaining([
        { 'extra.team': 'search', 'extra.header.x-title': null, requests: fixtureInRange.filter((r) => r.extra.team === 'search').length },
        { 'extra.team': "ads's", 'extra.header.x-title': 'My App', requests: fixtureInRange.filter((r) => r.extra.team === "ads's").length },
        { 'extra.team': null, 'extra.header.x-title': null, requests: fixtureInRange.filter((r) => !r.extra.team).length },
      ]),
    );
    expect(rows).toHaveLength(3);
  });

  it('analyses tool calls per tool: calls, requests, success, latency and a cost share that adds up to 100%', async () => {
    const { rows } = await report({ metrics: ['tool_calls', 'tool_requests', 'tool_success_rate', 'latency_avg', 'cost', 'cost_share'], group_by: ['tool'] });
    const calling = (tool: string) => fixtureInRange.filter((r) => r.tool_calls.includes(tool));
    for (const tool of ['search', 'fetch']) {
      const row = rows.find((candidate) => candidate.tool === tool);
      expect(row).toMatchObject({
        tool_calls: sum(fixtureInRange, (r) => r.tool_calls.filter((name) => name === tool).length),
        tool_requests: calling(tool).length,
        tool_success_rate: calling(tool).filter((r) => !failed(r)).length / calling(tool).length,
        latency_avg: expect.closeTo(sum(calling(tool), (r) => r.latency_ms) / calling(tool).length, 10),
        cost: sum(calling(tool), (r) => r.cost_micros) / 1e6,
      });
    }
    // search,search,fetch: two thirds of that request's cost is search's.
    const searchShare = sum(calling('search'), (r) => ((r.cost_micros ?? 0) * 2) / 3) / sum(fixtureInRange, (r) => r.cost_micros);
    expect(rows.find((row) => row.tool === 'search')?.cost_share).toBeCloseTo(searchShare, 10);
    expect(total(rows, 'cost_share')).toBeCloseTo(1, 10);
    expect(rows.find((row) => row.tool === null)).toMatchObject({ tool_calls: 0, tool_requests: 0, tool_success_rate: null });
  });

  it('shows the load-balancing distribution: each model’s share of its policy’s requests', async () => {
    const { rows } = await report({ metrics: ['requests', 'share'], group_by: ['policy', 'model'], filters: { policy: ['balanced'] } });
    const balanced = fixtureInRange.filter((r) => r.policy === 'balanced');
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.share).toBeCloseTo(balanced.filter((r) => r.model === row.model).length / balanced.length, 10);
    expect(total(rows, 'share')).toBeCloseTo(1, 10);
  });

  it('groups by feedback: the latest value per field, by request or response id, from the request’s own key', async () => {
    const { rows } = await report({ metrics: ['requests'], group_by: ['feedback.rating', 'feedback.label', 'feedback.details'], filters: { model: ['*'] } });
    const graded = rows.filter((row) => row['feedback.rating'] !== null);
    expect(graded).toEqual([
      // r-1 (1, then 4 quoting its response id) and r-3.
      { 'feedback.rating': '4', 'feedback.label': null, 'feedback.details': '{"a": 1}', requests: 1 },
      { 'feedback.rating': '4', 'feedback.label': null, 'feedback.details': null, requests: 1 },
      // r-0: 3, then 5 with a label (JSON "helpful", shown unquoted).
      { 'feedback.rating': '5', 'feedback.label': 'helpful', 'feedback.details': null, requests: 1 },
    ]);
    // r-2's rating came from another key.
    const filtered = await report({ metrics: ['requests'], filters: { 'feedback.rating': ['4', '5'] } });
    expect(filtered.rows).toEqual([{ requests: 3 }]);
  });

  it('buckets by hour, day, week (from Monday) and month, named by their first instant', async () => {
    const perDay = (await report({ metrics: ['requests'], resolution: 'day' })).rows;
    expect(perDay).toEqual(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'].map((period) => ({ period, requests: 10 })));
    const perWeek = (await report({ metrics: ['requests'], resolution: 'week' })).rows;
    expect(perWeek).toEqual([
      { period: '2026-10-26', requests: 10 },
      { period: '2026-11-02', requests: 30 },
    ]);
    expect((await report({ metrics: ['requests'], resolution: 'month' })).rows).toEqual([{ period: '2026-11', requests: 40 }]);
    const perHour = (await report({ metrics: ['requests'], resolution: 'hour' })).rows;
    expect(perHour[0]).toEqual({ period: '2026-11-01T00:00:00Z', requests: fixtureInRange.filter((r) => r.timestamp.startsWith('2026-11-01T00')).length });
    expect(total(perHour, 'requests')).toBe(40);
  });

  it('filters with alternatives, wildcards, nulls, numbers and memberships', async () => {
    const count = async (filters: Record<string, unknown>) => (await report({ metrics: ['requests'], filters })).rows[0]?.requests;
    expect(await count({ model: ['openai/*', 'google/gemini-2.5-flash'] })).toBe(fixtureInRange.filter((r) => r.model?.startsWith('openai/') || r.model === 'google/gemini-2.5-flash').length);
    expect(await count({ user: [null] })).toBe(fixtureInRange.filter((r) => r.user_id === null).length);
    expect(await count({ status: ['5*'] })).toBe(fixtureInRange.filter((r) => r.status >= 500).length);
    expect(await count({ status: [200] })).toBe(fixtureInRange.filter((r) => r.status === 200).length);
    expect(await count({ tag: ['search'], api_key: ['key_a'] })).toBe(fixtureInRange.filter((r) => r.tags.includes('search') && r.api_key_id === 'key_a').length);
    expect(await count({ tool: [null] })).toBe(fixtureInRange.filter((r) => r.tool_calls.length === 0).length);
    expect(await count({ 'extra.team': ["ads's"] })).toBe(fixtureInRange.filter((r) => r.extra.team === "ads's").length);
    expect(await count({ error_code: ['stream_*'], endpoint: ['chat', 'messages'] })).toBe(fixtureInRange.filter((r) => r.error_code === 'stream_interrupted').length);
    // % and _ are not wildcards: only *.
    expect(await count({ model: ['openai_gpt%'] })).toBe(0);
  });

  it('finds nothing, and fails nowhere, for values written to break out of their literal', async () => {
    const values = ["x' OR '1'='1", "'; DROP TABLE requests; --", "\\'); SELECT 1; --", '" OR "1"="1', "') UNION SELECT * FROM feedback --"];
    const { rows } = await report({ metrics: ['requests'], filters: { model: values, 'extra.team': values } });
    expect(rows).toEqual([{ requests: 0 }]);
    expect((await report({ metrics: ['requests'] })).rows).toEqual([{ requests: 40 }]);
  });

  it('reads any string back exactly as written through a literal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }).filter((value) => !value.includes('\0')), async (value) => {
        expect((await engine.query(`SELECT ${sqlString(value)} AS v`)).rows).toEqual([{ v: value }]);
      }),
      { numRuns: 60 },
    );
  });

  it('projects the month’s spend from the rate so far', async () => {
    const [row] = (await report({ start: '2026-11-01', end: '2026-11-30', metrics: ['projected_month_end_cost'] })).rows;
    const sofar = sum(
      fixtureRequests.filter((r) => r.timestamp >= '2026-11-01' && Date.parse(r.timestamp) < now),
      (r) => r.cost_micros,
    );
    expect(row?.projected_month_end_cost).toBeCloseTo((sofar * (30 * 86_400_000)) / (now - Date.parse('2026-11-01T00:00:00Z')) / 1e6, 9);
  });

  it('runs every query of the spec matrix and the named queries', async () => {
    for (const spec of specMatrix) await analyticsReport(spec, engine, now);
    for (const query of Object.values(namedQueries(400))) {
      const { rows } = await engine.query(query.sql);
      expect(rows.length, query.sql).toBeGreaterThan(0);
    }
  }, 60_000);

  it('counts each request once in the named queries too, copies filed under another day included', async () => {
    // A trailing window, as of now, that reaches back to the oldest record.
    const days = Math.ceil((Date.now() - Math.min(...fixtureRequests.map((r) => Date.parse(r.timestamp)))) / 86_400_000) + 1;
    const { rows } = await engine.query(namedQueries(days)['spend-by-key']?.sql ?? '');
    expect(total(rows, 'requests')).toBe(fixtureRequests.length);
    expect(total(rows, 'cost')).toBeCloseTo(sum(fixtureRequests, (r) => r.cost_micros) / 1e6, 9);
    const tools = await engine.query(namedQueries(days)['tool-calls']?.sql ?? '');
    expect(total(tools.rows, 'tool_calls')).toBe(sum(fixtureRequests, (r) => r.tool_calls.length));
  });

  it('cuts a result at the limit and says so', async () => {
    const cut = await report({ metrics: ['requests'], group_by: ['model'], limit: 2 });
    expect(cut.rows).toHaveLength(2);
    expect(cut.truncated).toBe(true);
    expect((await report({ metrics: ['requests'], group_by: ['model'], limit: 4 })).truncated).toBe(false);
  });

  it('gives Trino’s answers from its macros', async () => {
    const { rows } = await engine.query(
      `SELECT cardinality(ARRAY['a', 'b', 'a']) AS n, element_at(MAP {'a': '1'}, 'b') AS missing, element_at(MAP {'a': '1'}, 'a') AS found,
        json_extract_scalar('"x"', '$') AS text, json_extract_scalar('[1]', '$') AS list, json_extract_scalar('{bad', '$') AS bad,
        date_format(from_iso8601_timestamp('2026-11-01T23:30:00-02:00'), '%Y-%m-%dT%H') AS utc, cardinality(array_remove(ARRAY['a', 'b', 'a'], 'a')) AS removed`,
    );
    expect(rows).toEqual([{ n: 3, missing: null, found: '1', text: 'x', list: null, bad: null, utc: '2026-11-02T01', removed: 1 }]);
  });

  it('answers with nothing, not an error, before any log was written, and skips a line being written', async () => {
    const empty = new DuckDbAnalyticsEngine(join(mkdtempSync(join(tmpdir(), 'analytics-empty-')), 'missing'));
    try {
      expect((await report({ metrics: ['requests', 'cost', 'latency_p50'] }, empty)).rows).toEqual([{ requests: 0, cost: 0, latency_p50: null }]);
      expect((await report({ metrics: ['requests'], group_by: ['feedback.rating', 'tag'] }, empty)).rows).toEqual([]);
    } finally {
      await empty.close();
    }
    const day = join(logsDir, 'requests', 'year=2026', 'month=11', 'day=02');
    appendFileSync(join(day, readdirSync(day)[0] ?? 'x.jsonl'), '{"request_id": "half", "timestamp": "2026-11-02T0');
    expect((await report({ metrics: ['requests'] })).rows).toEqual([{ requests: 40 }]);
  });
});
