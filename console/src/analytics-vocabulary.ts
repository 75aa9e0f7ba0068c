/**
 * The analytics API's metrics and group-by fields (README: Analytics), for the explorer's
 * pickers. A test compares them with the API's own lists, so they cannot drift apart.
 */
export const analyticsMetrics = [
  'requests',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cached_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost',
  'cost_without_cache',
  'savings',
  'savings_percent',
  'cache_hit_rate',
  'token_cache_rate',
  'latency_avg',
  'latency_p50',
  'latency_p90',
  'latency_p95',
  'latency_p99',
  'first_token_avg',
  'first_token_p50',
  'first_token_p95',
  'error_rate',
  'failover_rate',
  'share',
  'cost_share',
  'projected_month_end_cost',
  'tool_calls',
  'tool_requests',
  'tool_success_rate',
  'tool_calls_per_request',
] as const;

export const analyticsFields = [
  'model',
  'model_requested',
  'provider',
  'api_key',
  'group',
  'user',
  'policy',
  'status',
  'error_code',
  'error_type',
  'endpoint',
  'region',
  'app',
  'finish_reason',
  'trace',
  'tag',
  'tool',
] as const;

export const analyticsResolutions = ['hour', 'day', 'week', 'month'] as const;
