import type { TrailingSpec } from '../lambdas/core/analytics/analytics-spec.js';
import { trailingDaysQuery } from '../lambdas/core/analytics/analytics-spec.js';
import { compileAnalyticsQuery } from '../lambdas/core/analytics/compile-analytics-query.js';

/**
 * The Athena queries every deployment gets, compiled from analytics specs by the compiler the
 * management API uses (so they are the portable SQL DuckDB runs too), over the last 7 days as
 * of when they run, with the stack's Glue database as their context. Columns are named as the
 * API names them (README, Analytics).
 */
const namedSpecs: Record<string, { description: string; spec: TrailingSpec }> = {
  'spend-by-model': {
    description: 'Cost, requests and tokens per day and model, last 7 days',
    spec: { metrics: ['cost', 'requests', 'input_tokens', 'output_tokens', 'cached_tokens'], group_by: ['model'], resolution: 'day' },
  },
  'spend-by-key': {
    description: 'Cost, requests, tokens and share of the cost per API key, last 7 days',
    spec: { metrics: ['cost', 'requests', 'total_tokens', 'cost_share'], group_by: ['api_key'] },
  },
  'latency-by-model': {
    description: 'Latency (average, p50, p95, p99) and median time to first token of successful requests per model, last 7 days',
    spec: { metrics: ['requests', 'latency_avg', 'latency_p50', 'latency_p95', 'latency_p99', 'first_token_p50'], group_by: ['model'], filters: { status: ['200'] } },
  },
  'errors-and-failovers': {
    description: 'Requests and failover rate per day and error code (empty: no error), last 7 days',
    spec: { metrics: ['requests', 'failover_rate'], group_by: ['error_code'], resolution: 'day' },
  },
  'cache-savings': {
    description: 'What prompt caching saved, and how often it hit, per model, last 7 days',
    spec: { metrics: ['savings', 'savings_percent', 'cache_hit_rate', 'token_cache_rate', 'cost', 'cost_without_cache'], group_by: ['model'] },
  },
  'tool-calls': {
    description: 'Calls, requests, success rate, latency and share of the cost per tool (empty: no tool call), last 7 days',
    spec: { metrics: ['tool_calls', 'tool_requests', 'tool_success_rate', 'latency_avg', 'cost_share'], group_by: ['tool'] },
  },
  'policy-distribution': {
    description: 'How each routing policy actually spread its requests over models, last 7 days',
    spec: { metrics: ['requests', 'share'], group_by: ['policy', 'model'] },
  },
};

export function namedQueries(days = 7): Record<string, { description: string; sql: string }> {
  return Object.fromEntries(
    Object.entries(namedSpecs).map(([name, { description, spec }]) => [name, { description, sql: compileAnalyticsQuery(trailingDaysQuery(spec, days), { readableColumns: true }).sql }]),
  );
}
