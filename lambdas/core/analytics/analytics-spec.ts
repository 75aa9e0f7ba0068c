import { z } from 'zod';
import { GatewayError } from '../errors.js';
import { fieldNames, parseField, type AnalyticsField } from './analytics-fields.js';
import { isMetricName, metricNames, type MetricName } from './analytics-metrics.js';
import { literalProblem } from './sql-literal.js';

/**
 * The body of `POST /v1/manage/analytics` (and the options of `npm run analytics`): which
 * metrics, over which range, grouped and filtered how. Everything a user names is checked here
 * against the fields and metrics the compiler knows, so the SQL never holds a name it did not
 * choose itself.
 */
const dayMs = 86_400_000;
export const maxRangeDays = 400;
export const maxHourRangeDays = 31;
export const resolutions = ['hour', 'day', 'week', 'month'] as const;
export type Resolution = (typeof resolutions)[number];

/** A date (`2026-11-01`: the whole day) or a date and time with a zone. */
const instantSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

const metricSchema = z.string().refine(isMetricName, { error: (issue) => `unknown metric "${String(issue.input)}"; known: ${metricNames.join(', ')}` });
const unknownField = (name: unknown) => `unknown field "${String(name)}"; known: ${fieldNames.join(', ')}`;
const fieldSchema = z.string().refine((name) => parseField(name) !== undefined, { error: (issue) => unknownField(issue.input) });

const filterValueSchema = z
  .union([z.string().max(1_024), z.number(), z.boolean(), z.null()])
  .transform((value) => (value === null ? null : String(value)))
  .superRefine((value, context) => {
    const problem = value === null ? undefined : literalProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: `a filter value ${problem}` });
  });

const once = (values: readonly string[]) => new Set(values).size === values.length;

export const analyticsSpecSchema = z
  .object({
    start: instantSchema,
    end: instantSchema,
    metrics: z.array(metricSchema).min(1).max(32).refine(once, 'each metric may be listed once'),
    group_by: z.array(fieldSchema).max(5).default([]).refine(once, 'each field may be listed once'),
    // Field names are checked below, where an unknown one can be named in the message.
    filters: z
      .record(z.string().max(300), z.array(filterValueSchema).min(1).max(100))
      .default({})
      .refine((filters) => Object.keys(filters).length <= 20, 'at most 20 fields can be filtered on'),
    resolution: z.enum(resolutions).optional(),
    format: z.enum(['json', 'csv']).default('json'),
    limit: z.int().min(1).max(10_000).default(1_000),
  })
  .strict()
  .superRefine((spec, context) => {
    const { start, end } = rangeOf(spec);
    if (end <= start) context.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
    const days = (end - start) / dayMs;
    if (days > maxRangeDays) context.addIssue({ code: 'custom', path: ['end'], message: `the range spans at most ${maxRangeDays} days` });
    if (spec.resolution === 'hour' && days > maxHourRangeDays) {
      context.addIssue({ code: 'custom', path: ['resolution'], message: `hourly results span at most ${maxHourRangeDays} days` });
    }
    if (spec.resolution && spec.metrics.includes('projected_month_end_cost')) {
      context.addIssue({ code: 'custom', path: ['resolution'], message: 'projected_month_end_cost is a whole-month figure: leave resolution out' });
    }
    for (const [name, values] of Object.entries(spec.filters)) {
      const field = parseField(name);
      if (!field) context.addIssue({ code: 'custom', path: ['filters', name], message: unknownField(name) });
      const problem = filterProblem(field, values);
      if (problem) context.addIssue({ code: 'custom', path: ['filters', name], message: problem });
    }
  });

export type AnalyticsSpec = z.infer<typeof analyticsSpecSchema>;

/** A spec ready to compile: ranges as instants, fields resolved. */
export interface AnalyticsQuery {
  /** From `start` (inclusive) to `end` (exclusive), or the last `days` days as the query runs (named queries). */
  range: { kind: 'between'; start: number; end: number } | { kind: 'trailing'; days: number };
  metrics: readonly MetricName[];
  groupBy: readonly AnalyticsField[];
  filters: readonly { field: AnalyticsField; values: readonly (string | null)[] }[];
  resolution?: Resolution;
  limit: number;
  /** When the query runs: the month projected_month_end_cost extrapolates is the one before min(end, now). */
  now: number;
}

export function analyticsQuery(spec: AnalyticsSpec, now: number): AnalyticsQuery {
  const range = rangeOf(spec);
  const query: AnalyticsQuery = {
    range: { kind: 'between', ...range },
    metrics: spec.metrics.filter(isMetricName),
    groupBy: spec.group_by.map(resolvedField),
    filters: Object.entries(spec.filters).map(([name, values]) => ({ field: resolvedField(name), values })),
    ...(spec.resolution ? { resolution: spec.resolution } : {}),
    limit: spec.limit,
    now,
  };
  if (query.metrics.includes('projected_month_end_cost')) {
    const monthStart = startOfMonth(Math.min(range.end, now) - 1);
    if (range.start > monthStart) {
      throw new GatewayError(
        400,
        'invalid_request',
        `projected_month_end_cost extrapolates the month's spend so far: start at or before ${new Date(monthStart).toISOString()}.`,
        { param: 'start', type: 'invalid_request_error' },
      );
    }
  }
  return query;
}

/** A date-only `end` is the end of that day; a date-only `start` its beginning. */
function rangeOf({ start, end }: { start: string; end: string }): { start: number; end: number } {
  const isDate = (value: string) => value.length === 10;
  return { start: Date.parse(isDate(start) ? `${start}T00:00:00Z` : start), end: Date.parse(isDate(end) ? `${end}T00:00:00Z` : end) + (isDate(end) ? dayMs : 0) };
}

export function startOfMonth(at: number): number {
  const date = new Date(at);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function resolvedField(name: string): AnalyticsField {
  const field = parseField(name);
  if (!field) throw new Error(`Unvalidated field ${name}.`);
  return field;
}

function filterProblem(field: AnalyticsField | undefined, values: readonly (string | null)[]): string | undefined {
  if (!field) return undefined;
  for (const value of values) {
    if (value === null) continue;
    if (field.source === 'element' && value.includes('*')) return `${field.name} filters match whole values: no * wildcards`;
    if (field.type === 'integer' && !/^[0-9*]{1,12}$/.test(value)) return `${field.name} filters are whole numbers (or patterns such as 5*)`;
  }
  return undefined;
}

/** The spec of a query over a trailing window rather than fixed dates: the stack's named Athena queries. */
export type TrailingSpec = Pick<z.input<typeof analyticsSpecSchema>, 'metrics' | 'group_by' | 'filters' | 'resolution' | 'limit'>;

/** The last `days` days as of when the SQL runs; names and filters are checked as the API checks them. */
export function trailingDaysQuery(fields: TrailingSpec, days: number): AnalyticsQuery {
  // Any valid range passes the checks; it is replaced by the trailing window.
  const spec = analyticsSpecSchema.parse({ ...fields, start: '2026-01-01', end: '2026-01-02' });
  if (spec.metrics.includes('projected_month_end_cost')) throw new Error('projected_month_end_cost needs fixed dates.');
  return { ...analyticsQuery(spec, Date.parse('2026-01-02')), range: { kind: 'trailing', days } };
}
