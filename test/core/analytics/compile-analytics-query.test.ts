import { describe, expect, it } from 'vitest';
import { analyticsQuery, analyticsSpecSchema } from '../../../lambdas/core/analytics/analytics-spec.js';
import { compileAnalyticsQuery } from '../../../lambdas/core/analytics/compile-analytics-query.js';
import { partitionsBetween, partitionsFrom } from '../../../lambdas/core/analytics/partition-predicate.js';

const now = Date.parse('2026-11-20T06:00:00Z');
const compile = (body: Record<string, unknown>) =>
  compileAnalyticsQuery(analyticsQuery(analyticsSpecSchema.parse({ start: '2026-11-01', end: '2026-11-30', metrics: ['requests'], ...body }), now));
const at = (iso: string) => Date.parse(iso);

describe('partition predicates', () => {
  it('name only the days asked for, a clause per month, and whole months without day bounds', () => {
    expect(partitionsBetween(at('2026-11-03T10:00:00Z'), at('2026-11-04T22:00:00Z'))).toBe(`("year" = '2026' AND "month" = '11' AND "day" >= '03' AND "day" <= '04')`);
    expect(partitionsBetween(at('2026-11-01T00:00:00Z'), at('2026-11-30T23:00:00Z'))).toBe(`("year" = '2026' AND "month" = '11')`);
    expect(partitionsBetween(at('2026-12-30T00:00:00Z'), at('2027-02-01T22:00:00Z'))).toBe(
      `(("year" = '2026' AND "month" = '12' AND "day" >= '30') OR ("year" = '2027' AND "month" = '01') OR ("year" = '2027' AND "month" = '02' AND "day" <= '01'))`,
    );
    // February of a leap year ends on the 29th.
    expect(partitionsBetween(at('2028-02-01T00:00:00Z'), at('2028-02-29T22:00:00Z'))).toBe(`("year" = '2028' AND "month" = '02')`);
    expect(partitionsBetween(at('2028-02-01T00:00:00Z'), at('2028-02-28T22:00:00Z'))).toContain(`"day" <= '28'`);
  });

  it('read the next day too when the range ends near midnight: Firehose files a record under the day it arrived, after its request', () => {
    expect(partitionsBetween(at('2026-11-03T10:00:00Z'), at('2026-11-04T00:00:00Z'))).toBe(`("year" = '2026' AND "month" = '11' AND "day" >= '03' AND "day" <= '04')`);
    expect(partitionsBetween(at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z'))).toBe(`(("year" = '2026' AND "month" = '11') OR ("year" = '2026' AND "month" = '12' AND "day" <= '01'))`);
  });

  it('take feedback from the first day on, with no end: it arrives after its request', () => {
    expect(partitionsFrom(at('2026-11-03T10:00:00Z'))).toBe(`("year" > '2026' OR ("year" = '2026' AND "month" > '11') OR ("year" = '2026' AND "month" = '11' AND "day" >= '03'))`);
  });
});

describe('compiled analytics SQL', () => {
  it('reads the range from the requests table by partition and by exact instant', () => {
    const { sql } = compile({ start: '2026-11-03T10:00:00Z', end: '2026-11-04T00:00:00Z' });
    expect(sql).toContain(`FROM requests\n`);
    expect(sql).toContain(`("year" = '2026' AND "month" = '11' AND "day" >= '03' AND "day" <= '04')`);
    expect(sql).toContain(`from_iso8601_timestamp("timestamp") >= from_iso8601_timestamp('2026-11-03T10:00:00.000Z')`);
    expect(sql).toContain(`from_iso8601_timestamp("timestamp") < from_iso8601_timestamp('2026-11-04T00:00:00.000Z')`);
  });

  it('keeps one row per request id, within the range’s partitions, before it unnests, joins or filters', () => {
    const { sql } = compile({ start: '2026-11-03T10:00:00Z', end: '2026-11-04T00:00:00Z', group_by: ['tag', 'feedback.rating'], filters: { model: ['x'] } });
    expect(sql).toMatch(/^WITH requests_once AS \(\n {2}SELECT \* FROM \(\n {4}SELECT \*, row_number\(\) OVER \(PARTITION BY "request_id" ORDER BY "year", "month", "day"\) AS copy_number\n {4}FROM requests\n {4}WHERE \("year" = '2026'/);
    expect(sql).toContain(`  ) AS request_copies\n  WHERE copy_number = 1\n)`);
    expect(sql).toContain('FROM requests_once\n  CROSS JOIN UNNEST');
    expect(sql).toContain(`WHERE ("model" IN ('x'))`);
    expect(sql.match(/FROM requests\b/g)).toHaveLength(1);
  });

  it('names result columns neutrally and maps them back to the spec’s names', () => {
    const compiled = compile({ metrics: ['cost', 'requests'], group_by: ['model', 'extra.Team'], resolution: 'week', limit: 10 });
    expect(compiled.columns).toEqual([
      { alias: 't0', name: 'period' },
      { alias: 'd0', name: 'model' },
      { alias: 'd1', name: 'extra.Team' },
      { alias: 'm0', name: 'cost' },
      { alias: 'm1', name: 'requests' },
    ]);
    expect(compiled.sql).toContain(`date_format(date_trunc('week', from_iso8601_timestamp("timestamp")), '%Y-%m-%d') AS t0`);
    expect(compiled.sql).toContain(`element_at("extra", 'Team') AS d1`);
    expect(compiled.sql).toContain('GROUP BY 1, 2, 3');
    expect(compiled.sql).toContain('ORDER BY t0 ASC, m0 DESC NULLS LAST, d0 ASC NULLS LAST, d1 ASC NULLS LAST');
    // One row more than asked, to tell a cut result.
    expect(compiled.sql.endsWith('LIMIT 11')).toBe(true);
  });

  it('sums money as integer micro-dollars and divides once, and guards every ratio', () => {
    const { sql } = compile({ metrics: ['cost', 'error_rate', 'savings_percent'] });
    expect(sql).toContain('coalesce(sum("cost_micros"), 0) AS a_cost');
    expect(sql).toContain('a_cost / 1e6 AS m0');
    expect(sql).toContain('CAST(a_errors AS DOUBLE) / nullif(a_requests, 0) AS m1');
    expect(sql).toContain('100 * CAST(a_saved AS DOUBLE) / nullif(a_priced_without_cache, 0) AS m2');
  });

  it('computes each aggregate once however many metrics use it', () => {
    const { sql } = compile({ metrics: ['requests', 'error_rate', 'failover_rate', 'share'] });
    expect(sql.match(/count\(\*\) AS a_requests/g)).toHaveLength(1);
  });

  it('turns filters into IN lists, LIKE patterns and IS NULL, one field’s values as alternatives', () => {
    const { sql } = compile({ filters: { model: ['openai/gpt-4o', 'anthropic/*', null], status: ['200', '5*'], user: ["o'brien"] } });
    expect(sql).toContain(`("model" IN ('openai/gpt-4o') OR "model" LIKE 'anthropic/%' ESCAPE '\\' OR "model" IS NULL)`);
    expect(sql).toContain(`("status" IN (200) OR CAST("status" AS VARCHAR) LIKE '5%' ESCAPE '\\')`);
    expect(sql).toContain(`("user_id" IN ('o''brien'))`);
  });

  it('filters on tags and tools as membership unless it groups by them, then per element', () => {
    expect(compile({ filters: { tag: ['prod', null] } }).sql).toContain(`(contains("tags", 'prod') OR cardinality("tags") = 0)`);
    const grouped = compile({ group_by: ['tag'], filters: { tag: ['prod'] } }).sql;
    expect(grouped).toContain(`CROSS JOIN UNNEST(CASE WHEN cardinality("tags") = 0 THEN ARRAY[CAST(NULL AS VARCHAR)] ELSE array_distinct("tags") END) AS tag_rows (tag)`);
    expect(grouped).toContain(`(tag IN ('prod'))`);
  });

  it('counts a tool’s own calls and splits a request’s cost by calls when grouping by tool', () => {
    const { sql } = compile({ metrics: ['tool_calls', 'cost_share'], group_by: ['tool'] });
    expect(sql).toContain('coalesce(sum(CASE WHEN tool IS NULL THEN 0 ELSE cardinality("tool_calls") - cardinality(array_remove("tool_calls", tool)) END), 0) AS a_tool_calls');
    expect(sql).toContain('CAST(cardinality("tool_calls") - cardinality(array_remove("tool_calls", tool)) AS DOUBLE) / cardinality("tool_calls")');
    expect(compile({ metrics: ['tool_calls'] }).sql).toContain('coalesce(sum(cardinality("tool_calls")), 0) AS a_tool_calls');
  });

  it('shares a group among its parent: same period and every group-by but the last', () => {
    expect(compile({ metrics: ['share'], group_by: ['policy', 'model'], resolution: 'day' }).sql).toContain(
      'CAST(a_requests AS DOUBLE) / nullif(sum(a_requests) OVER (PARTITION BY t0, d0), 0) AS m0',
    );
    expect(compile({ metrics: ['share'], group_by: ['model'] }).sql).toContain('sum(a_requests) OVER ()');
  });

  it('joins the latest feedback value per field, by request id or response id, for the same key', () => {
    const { sql } = compile({ group_by: ['feedback.rating'], filters: { 'feedback.label': ['helpful'] } });
    expect(sql).toContain('),\nfeedback_0 AS (\n');
    expect(sql).toContain(`max_by(coalesce(json_extract_scalar(element_at("data", 'rating'), '$'), element_at("data", 'rating')), from_iso8601_timestamp("timestamp")) AS feedback_value`);
    expect(sql).toContain(`WHERE ("year" > '2026' OR ("year" = '2026' AND "month" > '11') OR ("year" = '2026' AND "month" = '11' AND "day" >= '01')) AND element_at("data", 'rating') IS NOT NULL`);
    expect(sql).toContain('LEFT JOIN feedback_0 AS feedback_0_by_request ON feedback_0_by_request.feedback_id = "request_id" AND feedback_0_by_request.feedback_key = "api_key_id"');
    expect(sql).toContain('LEFT JOIN feedback_1 AS feedback_1_by_response ON feedback_1_by_response.feedback_id = "response_id"');
    expect(sql).toContain(`element_at("data", 'label')`);
  });

  it('projects the month from its spend before min(end, now), at that rate to the month’s end', () => {
    const month = 30 * 86_400_000;
    const elapsed = now - at('2026-11-01T00:00:00Z');
    const { sql } = compile({ metrics: ['projected_month_end_cost'] });
    expect(sql).toContain(`WHEN from_iso8601_timestamp("timestamp") >= from_iso8601_timestamp('2026-11-01T00:00:00.000Z') AND from_iso8601_timestamp("timestamp") < from_iso8601_timestamp('2026-11-20T06:00:00.000Z') THEN "cost_micros"`);
    expect(sql).toContain(`CAST(a_month_cost AS DOUBLE) * ${month} / 1e6 / ${elapsed} AS m0`);
    // A range that ended before now projects its own last month: here, all of October.
    const october = compile({ start: '2026-10-01', end: '2026-10-31', metrics: ['projected_month_end_cost'] }).sql;
    expect(october).toContain(`* ${31 * 86_400_000} / 1e6 / ${31 * 86_400_000} AS m0`);
  });

  it('carries an injection attempt only inside one string literal', () => {
    const { sql } = compile({ filters: { 'extra.x': ["' OR 1=1 --"], model: ['"; DROP TABLE requests; --'] } });
    expect(sql).toContain(`(element_at("extra", 'x') IN (''' OR 1=1 --'))`);
    expect(sql).toContain(`("model" IN ('"; DROP TABLE requests; --'))`);
  });
});
