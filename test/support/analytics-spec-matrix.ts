import { fieldNames } from '../../lambdas/core/analytics/analytics-fields.js';
import { metricNames } from '../../lambdas/core/analytics/analytics-metrics.js';
import { resolutions, type AnalyticsSpec } from '../../lambdas/core/analytics/analytics-spec.js';
import { analyticsSpecSchema } from '../../lambdas/core/analytics/analytics-spec.js';

/**
 * A broad set of valid specs: every metric, every field as group-by and as filter (exact,
 * wildcard, null), every resolution, and combinations that unnest, join feedback and use
 * windows together. The dialect test and the DuckDB test both run all of them.
 */
const range = { start: '2026-11-01', end: '2026-11-04' };
const concrete = (name: string) => name.replace('<key>', name.startsWith('extra') ? 'team' : 'rating');
const fields = fieldNames.map(concrete);

const bodies: Record<string, unknown>[] = [
  ...metricNames.map((metric) => ({ ...range, metrics: [metric] })),
  { ...range, metrics: metricNames },
  ...fields.map((field) => ({ ...range, metrics: ['requests', 'cost', 'share', 'cost_share'], group_by: [field] })),
  ...fields.map((field) => ({
    ...range,
    metrics: ['requests'],
    filters: { [field]: field === 'status' ? ['200', '5*', null] : field === 'tag' || field === 'tool' ? ['prod', 'search', null] : ['a', "it's", '*x_%*', null] },
  })),
  ...resolutions.map((resolution) => ({ ...range, metrics: metricNames.filter((name) => name !== 'projected_month_end_cost'), resolution })),
  { ...range, metrics: ['requests', 'share', 'cost_share', 'tool_calls', 'latency_p95'], group_by: ['tool', 'tag', 'feedback.rating', 'extra.header.x-title', 'model'], resolution: 'day' },
  { ...range, metrics: ['requests', 'share'], group_by: ['policy', 'model'], filters: { tool: ['search'], tag: ['prod'], 'feedback.label': ['helpful'] } },
  { start: '2026-10-15T12:30:00+02:00', end: '2027-01-10T08:00:00Z', metrics: ['cost', 'projected_month_end_cost'], group_by: ['api_key'] },
  { ...range, metrics: ['requests'], filters: { model: ["x' OR '1'='1", "'; DROP TABLE requests; --", '\\\'', '"model"', '/* c */', '\u00e9\u{1F600}'] } },
];

export const specMatrix: AnalyticsSpec[] = bodies.map((body) => analyticsSpecSchema.parse(body));
