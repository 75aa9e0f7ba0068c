/** The Athena queries every deployment gets, over the request-log table. */
export function namedQueries(database: string, table: string): Record<string, { description: string; sql: string }> {
  const from = `"${database}"."${table}"`;
  const lastWeek = `from_iso8601_timestamp("timestamp") > current_timestamp - interval '7' day
  AND concat(year, month, day) >= date_format(current_date - interval '7' day, '%Y%m%d')`;
  return {
    'spend-by-model': {
      description: 'Requests, tokens and spend per model and day, last 7 days',
      sql: `SELECT year || '-' || month || '-' || day AS day, model, count(*) AS requests,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_micros) / 1e6 AS cost_usd
FROM ${from}
WHERE ${lastWeek}
GROUP BY 1, 2 ORDER BY 1 DESC, cost_usd DESC`,
    },
    'spend-by-key': {
      description: 'Spend per API key, last 7 days',
      sql: `SELECT api_key_id, count(*) AS requests, sum(cost_micros) / 1e6 AS cost_usd
FROM ${from}
WHERE ${lastWeek}
GROUP BY 1 ORDER BY cost_usd DESC`,
    },
    'latency-by-model': {
      description: 'p50/p95/p99 total latency and time to first token per model, last 7 days',
      sql: `SELECT model, count(*) AS requests,
  approx_percentile(latency_ms, 0.5) AS p50_ms, approx_percentile(latency_ms, 0.95) AS p95_ms,
  approx_percentile(latency_ms, 0.99) AS p99_ms, approx_percentile(first_token_ms, 0.5) AS p50_first_token_ms
FROM ${from}
WHERE ${lastWeek} AND status = 200
GROUP BY 1 ORDER BY requests DESC`,
    },
    'errors-and-failovers': {
      description: 'Errors by code and requests that needed more than one attempt, per day',
      sql: `SELECT year || '-' || month || '-' || day AS day, coalesce(error_code, 'ok') AS outcome,
  count(*) AS requests, count_if(cardinality(attempts) > 1) AS failed_over
FROM ${from}
WHERE ${lastWeek}
GROUP BY 1, 2 ORDER BY 1 DESC, requests DESC`,
    },
  };
}
