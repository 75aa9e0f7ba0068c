import { describe, expect, it } from 'vitest';
import { analyticsQuery, analyticsSpecSchema, trailingDaysQuery } from '../../../lambdas/core/analytics/analytics-spec.js';
import { GatewayError } from '../../../lambdas/core/errors.js';
import { parseBody } from '../../../lambdas/gateway/parse-body.js';

const base = { start: '2026-11-01', end: '2026-11-30', metrics: ['requests'] };

/** The 400 the management API answers a body with, as `{ param, message }`. */
function refusal(body: unknown): { param: string | null; message: string } {
  try {
    parseBody(JSON.stringify(body), analyticsSpecSchema);
  } catch (error) {
    if (error instanceof GatewayError && error.status === 400) return { param: error.param, message: error.message };
    throw error;
  }
  throw new Error('expected a 400');
}

describe('the analytics spec', () => {
  it('takes dates as whole UTC days and date-times with a zone as instants, end exclusive', () => {
    const days = analyticsQuery(analyticsSpecSchema.parse(base), 0);
    expect(days.range).toEqual({ kind: 'between', start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-12-01T00:00:00Z') });
    const instants = analyticsQuery(analyticsSpecSchema.parse({ ...base, start: '2026-11-01T10:00:00+02:00', end: '2026-11-01T12:30:00Z' }), 0);
    expect(instants.range).toEqual({ kind: 'between', start: Date.parse('2026-11-01T08:00:00Z'), end: Date.parse('2026-11-01T12:30:00Z') });
  });

  it('fills in defaults: no grouping, no filters, JSON, 1,000 rows', () => {
    expect(analyticsSpecSchema.parse(base)).toEqual({ ...base, group_by: [], filters: {}, format: 'json', limit: 1_000 });
  });

  it('names an unknown metric or field, and lists the known ones', () => {
    expect(refusal({ ...base, metrics: ['requests', 'vibes'] })).toMatchObject({ param: 'metrics[1]', message: expect.stringMatching(/unknown metric "vibes"; known: requests, .*cost,/) });
    expect(refusal({ ...base, group_by: ['colour'] })).toMatchObject({ param: 'group_by[0]', message: expect.stringMatching(/unknown field "colour"; known: model, .*extra\.<key>/) });
    expect(refusal({ ...base, filters: { 'extra.': ['x'] } })).toMatchObject({ param: 'filters.extra.', message: expect.stringMatching(/unknown field "extra\."/) });
    expect(refusal({ ...base, filters: { 'extra.a"b': ['x'] } }).message).toMatch(/unknown field/);
    expect(refusal({ ...base, group_by: ['feedback.' + 'x'.repeat(129)] }).message).toMatch(/unknown field/);
  });

  it('refuses an end before its start, ranges over 400 days, and hourly results over 31 days', () => {
    expect(refusal({ ...base, end: '2026-10-31' })).toMatchObject({ param: 'end', message: expect.stringContaining('end must be after start') });
    expect(refusal({ ...base, start: '2026-11-01T10:00:00Z', end: '2026-11-01T10:00:00Z' }).param).toBe('end');
    expect(refusal({ ...base, start: '2025-01-01', end: '2026-02-05' })).toMatchObject({ param: 'end', message: expect.stringContaining('at most 400 days') });
    expect(analyticsSpecSchema.safeParse({ ...base, start: '2025-01-01', end: '2026-02-04' }).success).toBe(true);
    expect(refusal({ ...base, end: '2026-12-31', resolution: 'hour' })).toMatchObject({ param: 'resolution', message: expect.stringContaining('31 days') });
  });

  it('refuses what is not a time with a zone, or not a date', () => {
    expect(refusal({ ...base, start: '2026-11-01T10:00:00' }).param).toBe('start');
    expect(refusal({ ...base, start: 'yesterday' }).param).toBe('start');
    expect(refusal({ ...base, end: '2026-02-30' }).param).toBe('end');
  });

  it('bounds every list, and takes each metric and field once', () => {
    expect(refusal({ ...base, metrics: [] }).param).toBe('metrics');
    expect(refusal({ ...base, metrics: ['requests', 'requests'] }).message).toContain('once');
    expect(refusal({ ...base, group_by: ['model', 'model'] }).message).toContain('once');
    expect(refusal({ ...base, group_by: ['model', 'provider', 'user', 'group', 'tag', 'tool'] }).param).toBe('group_by');
    expect(refusal({ ...base, filters: { model: [] } }).param).toBe('filters.model');
    expect(refusal({ ...base, filters: { model: Array.from({ length: 101 }, (_, i) => `m${i}`) } }).param).toBe('filters.model');
    expect(refusal({ ...base, filters: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`extra.k${i}`, ['v']])) }).message).toContain('20 fields');
    expect(refusal({ ...base, limit: 10_001 }).param).toBe('limit');
    expect(refusal({ ...base, sort: 'cost' }).message).toMatch(/sort/);
  });

  it('refuses filter values no SQL literal can carry, and patterns where they cannot apply', () => {
    expect(refusal({ ...base, filters: { model: ['a\u0000b'] } })).toMatchObject({ param: 'filters.model[0]', message: expect.stringContaining('NUL') });
    expect(refusal({ ...base, filters: { user: ['\ud800'] } }).message).toContain('well-formed');
    expect(refusal({ ...base, filters: { status: ['two hundred'] } })).toMatchObject({ param: 'filters.status', message: expect.stringContaining('whole numbers') });
    expect(refusal({ ...base, filters: { tag: ['prod*'] } }).message).toContain('no * wildcards');
  });

  it('takes numbers, booleans and null as filter values, as text', () => {
    expect(analyticsSpecSchema.parse({ ...base, filters: { status: [429, '500'], 'extra.beta': [true], user: [null] } }).filters).toEqual({
      status: ['429', '500'],
      'extra.beta': ['true'],
      user: [null],
    });
  });

  it('keeps projected_month_end_cost to whole months from their start', () => {
    expect(refusal({ ...base, metrics: ['projected_month_end_cost'], resolution: 'day' }).message).toContain('whole-month');
    const spec = analyticsSpecSchema.parse({ start: '2026-11-02', end: '2026-11-20', metrics: ['projected_month_end_cost'] });
    expect(() => analyticsQuery(spec, Date.parse('2026-11-10T00:00:00Z'))).toThrow(/start at or before 2026-11-01T00:00:00.000Z/);
    expect(analyticsQuery({ ...spec, start: '2026-11-01' }, Date.parse('2026-11-10T00:00:00Z')).metrics).toEqual(['projected_month_end_cost']);
  });

  it('checks the specs of trailing windows (the named queries) as it checks the API', () => {
    expect(trailingDaysQuery({ metrics: ['cost'], group_by: ['model'] }, 7).range).toEqual({ kind: 'trailing', days: 7 });
    expect(() => trailingDaysQuery({ metrics: ['vibes'] }, 7)).toThrow(/unknown metric/);
    expect(() => trailingDaysQuery({ metrics: ['projected_month_end_cost'] }, 7)).toThrow(/fixed dates/);
  });
});
