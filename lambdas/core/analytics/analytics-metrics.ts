/**
 * Every analytics metric, defined once as SQL over the request log (see
 * request-log-record.ts). A metric is a few named aggregates, computed per group, and an
 * expression over them (and over windows of the grouped rows, for shares). Aggregates are
 * shared: asking for `cost` and `savings_percent` sums `cost_micros` once.
 *
 * Money is summed as integer micro-dollars and divided by 1e6 once, at the end, so a total is
 * the exact sum of the requests' costs. Rates are fractions from 0 to 1; `savings_percent` is a
 * percentage. A ratio with nothing to divide by is null, never an error.
 */
export interface MetricContext {
  /** The row's tool calls: of its tool when rows are per tool, else all of the request's. */
  toolCalls: string;
  /** The row's part of its request's cost: its tool's part of the calls when rows are per tool, else 1. */
  costWeight: string;
  /** The window of a group's parent: `PARTITION BY` the period and every group-by but the last. */
  parentWindow: string;
  /** For projected_month_end_cost: see projectedMonth in compile-analytics-query.ts. */
  month?: { startsAt: string; cutoff: string; monthMs: number; elapsedMs: number };
}

type Sql = (context: MetricContext) => string;

/** A request that failed, before or after its first byte. */
const failed = '("status" >= 400 OR "error_code" IS NOT NULL)';
const timestamp = 'from_iso8601_timestamp("timestamp")';
const sum = (column: string) => `coalesce(sum("${column}"), 0)`;
const percentile = (column: string, fraction: string) => `approx_percentile("${column}", ${fraction})`;

const aggregates = {
  requests: () => 'count(*)',
  input_tokens: () => sum('input_tokens'),
  output_tokens: () => sum('output_tokens'),
  cache_read_tokens: () => sum('cache_read_tokens'),
  cache_write_tokens: () => sum('cache_write_tokens'),
  reasoning_tokens: () => sum('reasoning_tokens'),
  cost: () => sum('cost_micros'),
  cost_without_cache: () => sum('cost_without_cache_micros'),
  saved: () => 'coalesce(sum("cost_without_cache_micros" - "cost_micros"), 0)',
  // The base of savings_percent: what the priced requests would have cost without caching.
  priced_without_cache: () => 'sum(CASE WHEN "cost_micros" IS NOT NULL THEN "cost_without_cache_micros" END)',
  latency_avg: () => 'avg("latency_ms")',
  latency_p50: () => percentile('latency_ms', '0.5'),
  latency_p90: () => percentile('latency_ms', '0.9'),
  latency_p95: () => percentile('latency_ms', '0.95'),
  latency_p99: () => percentile('latency_ms', '0.99'),
  first_token_avg: () => 'avg("first_token_ms")',
  first_token_p50: () => percentile('first_token_ms', '0.5'),
  first_token_p95: () => percentile('first_token_ms', '0.95'),
  errors: () => `count_if(${failed})`,
  failovers: () => 'count_if(cardinality("attempts") > 1)',
  cache_hits: () => 'count_if("cache_read_tokens" > 0)',
  tool_calls: ({ toolCalls }) => `coalesce(sum(${toolCalls}), 0)`,
  tool_requests: ({ toolCalls }) => `count_if(${toolCalls} > 0)`,
  tool_successes: ({ toolCalls }) => `count_if(${toolCalls} > 0 AND NOT ${failed})`,
  weighted_cost: ({ costWeight }) => `coalesce(sum(CAST("cost_micros" AS DOUBLE) * ${costWeight}), 0)`,
  month_cost: ({ month }) => {
    if (!month) throw new Error('month_cost needs the month of the query.');
    return `coalesce(sum(CASE WHEN ${timestamp} >= ${month.startsAt} AND ${timestamp} < ${month.cutoff} THEN "cost_micros" END), 0)`;
  },
} satisfies Record<string, Sql>;

export type AggregateName = keyof typeof aggregates;

export function aggregateSql(name: AggregateName, context: MetricContext): string {
  return aggregates[name](context);
}

/** The SQL name of an aggregate's column in the grouped rows. */
export const aggregateColumn = (name: AggregateName) => `a_${name}`;

interface MetricDefinition {
  uses: readonly AggregateName[];
  value: Sql;
  /** For the README and error messages. */
  description: string;
}

const a = aggregateColumn;
const ratio = (numerator: AggregateName, denominator: AggregateName) => `CAST(${a(numerator)} AS DOUBLE) / nullif(${a(denominator)}, 0)`;
const dollars = (micros: AggregateName) => `${a(micros)} / 1e6`;
const plain = (name: AggregateName, description: string): MetricDefinition => ({ uses: [name], value: () => a(name), description });

export const metrics = {
  requests: plain('requests', 'Requests (with a failed or cancelled one counted too).'),
  input_tokens: plain('input_tokens', 'Input (prompt) tokens, cache reads and writes included.'),
  output_tokens: plain('output_tokens', 'Output (completion) tokens, reasoning included.'),
  cached_tokens: plain('cache_read_tokens', 'Input tokens read from the provider’s prompt cache.'),
  cache_write_tokens: plain('cache_write_tokens', 'Input tokens written to the prompt cache.'),
  reasoning_tokens: plain('reasoning_tokens', 'Output tokens spent on reasoning.'),
  total_tokens: {
    uses: ['input_tokens', 'output_tokens'],
    value: () => `${a('input_tokens')} + ${a('output_tokens')}`,
    description: 'Input plus output tokens.',
  },
  cost: { uses: ['cost'], value: () => dollars('cost'), description: 'What the requests were charged, in dollars.' },
  cost_without_cache: {
    uses: ['cost_without_cache'],
    value: () => dollars('cost_without_cache'),
    description: 'What the same tokens would have cost without caching, in dollars.',
  },
  savings: { uses: ['saved'], value: () => dollars('saved'), description: 'cost_without_cache minus cost: what caching saved, in dollars.' },
  savings_percent: {
    uses: ['saved', 'priced_without_cache'],
    value: () => `100 * ${ratio('saved', 'priced_without_cache')}`,
    description: 'savings as a percentage of cost_without_cache.',
  },
  latency_avg: plain('latency_avg', 'Mean time from arrival to the last byte, in ms.'),
  latency_p50: plain('latency_p50', 'Median latency, in ms.'),
  latency_p90: plain('latency_p90', '90th-percentile latency, in ms.'),
  latency_p95: plain('latency_p95', '95th-percentile latency, in ms.'),
  latency_p99: plain('latency_p99', '99th-percentile latency, in ms.'),
  first_token_avg: plain('first_token_avg', 'Mean time to the first token, in ms (requests that sent one).'),
  first_token_p50: plain('first_token_p50', 'Median time to the first token, in ms.'),
  first_token_p95: plain('first_token_p95', '95th-percentile time to the first token, in ms.'),
  error_rate: { uses: ['errors', 'requests'], value: () => ratio('errors', 'requests'), description: 'Share of requests that failed (status 400 or above, or an error after the first byte).' },
  failover_rate: {
    uses: ['failovers', 'requests'],
    value: () => ratio('failovers', 'requests'),
    description: 'Share of requests that needed more than one attempt.',
  },
  cache_hit_rate: {
    uses: ['cache_hits', 'requests'],
    value: () => ratio('cache_hits', 'requests'),
    description: 'Share of requests that read from the prompt cache.',
  },
  token_cache_rate: {
    uses: ['cache_read_tokens', 'input_tokens'],
    value: () => ratio('cache_read_tokens', 'input_tokens'),
    description: 'Cached tokens as a share of input tokens.',
  },
  projected_month_end_cost: {
    uses: ['month_cost'],
    value: ({ month }) => {
      if (!month) throw new Error('projected_month_end_cost needs the month of the query.');
      return `CAST(${a('month_cost')} AS DOUBLE) * ${month.monthMs} / 1e6 / ${month.elapsedMs}`;
    },
    description: 'This month’s spend so far, extrapolated to the whole month at the same rate, in dollars.',
  },
  tool_calls: plain('tool_calls', 'Tool calls made by the answers (per tool when grouped by tool).'),
  tool_requests: plain('tool_requests', 'Requests whose answer called a tool (the tool, when grouped by tool).'),
  tool_success_rate: {
    uses: ['tool_successes', 'tool_requests'],
    value: () => ratio('tool_successes', 'tool_requests'),
    description: 'Share of tool_requests that did not fail.',
  },
  tool_calls_per_request: {
    uses: ['tool_calls', 'tool_requests'],
    value: () => ratio('tool_calls', 'tool_requests'),
    description: 'Tool calls per tool request.',
  },
  share: {
    uses: ['requests'],
    value: ({ parentWindow }) => `CAST(${a('requests')} AS DOUBLE) / nullif(sum(${a('requests')}) OVER (${parentWindow}), 0)`,
    description: 'The group’s share of the requests of its parent group (same period, same values of every group-by but the last).',
  },
  cost_share: {
    uses: ['weighted_cost'],
    value: ({ parentWindow }) => `CAST(${a('weighted_cost')} AS DOUBLE) / nullif(sum(${a('weighted_cost')}) OVER (${parentWindow}), 0)`,
    description: 'The group’s share of the cost of its parent group; per tool, a request’s cost is split by its calls.',
  },
} satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof metrics;

export const metricNames = Object.keys(metrics) as MetricName[];

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(metrics, name);
}
