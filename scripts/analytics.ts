import { parseArgs } from 'node:util';
import { DuckDbAnalyticsEngine } from '../lambdas/adapters/duckdb/duckdb-analytics-engine.js';
import { analyticsReport, reportCsv, reportTable, type AnalyticsReport } from '../lambdas/core/analytics/analytics-report.js';
import { analyticsQuery, analyticsSpecSchema, type AnalyticsSpec } from '../lambdas/core/analytics/analytics-spec.js';
import { compileAnalyticsQuery } from '../lambdas/core/analytics/compile-analytics-query.js';
import { GatewayError } from '../lambdas/core/errors.js';
import { parseBody } from '../lambdas/gateway/parse-body.js';

/**
 * `npm run analytics -- [--start <date>] [--end <date>] [--metrics a,b] [--group-by x,y]
 * [--filter field=v1,v2]... [--resolution hour|day|week|month] [--limit n] [--format table|csv|json]
 * [--url <endpoint> --key <management key>]`: the analytics of POST /v1/manage/analytics, over
 * the local server's logs (SWITCHBOARD_DATA_DIR, default .switchboard) with DuckDB, or over a
 * deployed stack's through its endpoint. Exits 2 on a bad option, 1 when the query fails.
 */
const usage = 'Usage: npm run analytics -- [--start 2026-11-01] [--end 2026-11-30] [--metrics cost,requests] [--group-by model] [--filter model=a,b] [--resolution day] [--format table|csv|json] [--url <endpoint> --key <management key>]';
const { values } = parseArgs({
  options: {
    start: { type: 'string' },
    end: { type: 'string' },
    metrics: { type: 'string', default: 'requests,cost' },
    'group-by': { type: 'string', default: '' },
    filter: { type: 'string', multiple: true, default: [] },
    resolution: { type: 'string' },
    limit: { type: 'string' },
    format: { type: 'string', default: 'table' },
    url: { type: 'string' },
    key: { type: 'string' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

const list = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean);
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

function fail(code: number, message: string): never {
  console.error(message);
  process.exit(code);
}

function filters(options: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(
    options.map((option) => {
      const at = option.indexOf('=');
      if (at < 1) fail(2, `--filter ${option}: write field=value1,value2\n${usage}`);
      return [option.slice(0, at), list(option.slice(at + 1))];
    }),
  );
}

if (values.help) fail(2, usage);
if (!['table', 'csv', 'json'].includes(values.format)) fail(2, `--format is table, csv or json\n${usage}`);
const body = {
  // The last seven days, today included, unless told otherwise.
  start: values.start ?? day(-6),
  end: values.end ?? day(0),
  metrics: list(values.metrics),
  group_by: list(values['group-by']),
  filters: filters(values.filter),
  ...(values.resolution ? { resolution: values.resolution } : {}),
  ...(values.limit ? { limit: Number(values.limit) } : {}),
};

let spec: AnalyticsSpec;
try {
  // Checked as the endpoint checks it, with its messages.
  spec = parseBody(JSON.stringify(body), analyticsSpecSchema);
} catch (error) {
  fail(2, error instanceof Error ? error.message : String(error));
}

try {
  const report = values.url ? await remoteReport(values.url, values.key ?? process.env.SWITCHBOARD_ADMIN_KEY) : await localReport();
  if (values.format === 'json') process.stdout.write(`${JSON.stringify({ rows: report.rows, truncated: report.truncated, ...(report.scannedBytes === undefined ? {} : { scanned_bytes: report.scannedBytes }) }, null, 2)}\n`);
  else process.stdout.write(values.format === 'csv' ? reportCsv(report) : reportTable(report));
  if (report.truncated) console.error(`Only the first ${spec.limit} rows: raise --limit (up to 10000) for more.`);
  if (report.scannedBytes !== undefined) console.error(`Athena scanned ${report.scannedBytes} bytes.`);
} catch (error) {
  fail(1, `Analytics failed: ${error instanceof Error ? error.message : String(error)}`);
}

async function localReport(): Promise<AnalyticsReport> {
  const engine = new DuckDbAnalyticsEngine(values['data-dir'] ?? (process.env.SWITCHBOARD_DATA_DIR || '.switchboard'));
  try {
    return await analyticsReport(spec, engine, Date.now());
  } finally {
    await engine.close();
  }
}

async function remoteReport(url: string, key: string | undefined): Promise<AnalyticsReport> {
  if (!key) fail(2, `--url needs --key <management key> (or SWITCHBOARD_ADMIN_KEY)\n${usage}`);
  const response = await fetch(new URL('/v1/manage/analytics', url), {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, format: 'json' }),
  });
  const json = (await response.json()) as { rows?: AnalyticsReport['rows']; truncated?: boolean; scanned_bytes?: number; error?: { message: string } };
  if (!response.ok || !json.rows) throw new GatewayError(response.status, 'analytics_failed', json.error?.message ?? `HTTP ${response.status}`);
  const columns = compileAnalyticsQuery(analyticsQuery(spec, Date.now())).columns.map((column) => column.name);
  return { columns, rows: json.rows, truncated: json.truncated ?? false, ...(json.scanned_bytes === undefined ? {} : { scannedBytes: json.scanned_bytes }) };
}
