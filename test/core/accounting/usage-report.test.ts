import { describe, expect, it } from 'vitest';
import { UsageReport } from '../../../lambdas/core/accounting/usage-report.js';
import type { UsageRow } from '../../../lambdas/ports/usage-store.js';

/** One request's row; rows hold whole hours, but a report only looks at the hour's start. */
const record = (iso: string, cost: number, model = 'openai/gpt-4o', extra: Record<string, string> = {}): UsageRow => ({
  keyId: 'key_1',
  hour: Date.parse(iso),
  model,
  extra,
  requests: 1,
  cost,
  inputTokens: 10,
  outputTokens: 5,
  totalTokens: 15,
  cachedTokens: 4,
});

function report(records: UsageRow[], ...args: ConstructorParameters<typeof UsageReport>) {
  const usage = new UsageReport(...args);
  for (const r of records) usage.add(r);
  return usage.result();
}

describe('usage report', () => {
  const records = [
    record('2026-11-22T23:00:00.000Z', 100_001), // a Sunday
    record('2026-11-23T00:00:00.000Z', 200_002, 'mock/echo', { team: 'a' }), // the Monday after
    record('2026-11-30T12:00:00.000Z', 3, 'openai/gpt-4o', { team: 'a' }),
    record('2026-12-01T00:00:00.000Z', 4),
  ];

  it('adds records up per UTC day, per ISO week starting Monday, and per month, in order', () => {
    expect(Object.keys(report(records, 'day', []))).toEqual(['2026-11-22', '2026-11-23', '2026-11-30', '2026-12-01']);
    expect(Object.entries(report(records, 'week', [])).map(([week, sums]) => [week, sums.spend, sums.requests])).toEqual([
      ['2026-11-16', 0.100001, 1],
      ['2026-11-23', 0.200002, 1],
      ['2026-11-30', 0.000007, 2],
    ]);
    expect(report(records, 'month', [])).toEqual({
      '2026-11': { spend: 0.300006, requests: 3, input_tokens: 30, output_tokens: 15, total_tokens: 45, cached_tokens: 12 },
      '2026-12': { spend: 0.000004, requests: 1, input_tokens: 10, output_tokens: 5, total_tokens: 15, cached_tokens: 4 },
    });
  });

  it('sums in micro-dollars, so many small costs add up exactly, and counts the requests of each row', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...record(`2026-11-01T${String(i % 24).padStart(2, '0')}:00:00Z`, 1), requests: 3 }));
    expect(report(many, 'month', [])['2026-11']).toMatchObject({ spend: 0.001, requests: 3000 });
  });

  it('groups by model and extra fields, a missing field grouped as null', () => {
    const november = report(records, 'month', ['model', 'extra.team'])['2026-11'];
    expect(november?.grouped_data).toEqual([
      { group_by_values: { model: 'openai/gpt-4o', 'extra.team': null }, spend: 0.100001, requests: 1, input_tokens: 10, output_tokens: 5, total_tokens: 15, cached_tokens: 4 },
      { group_by_values: { model: 'mock/echo', 'extra.team': 'a' }, spend: 0.200002, requests: 1, input_tokens: 10, output_tokens: 5, total_tokens: 15, cached_tokens: 4 },
      { group_by_values: { model: 'openai/gpt-4o', 'extra.team': 'a' }, spend: 0.000003, requests: 1, input_tokens: 10, output_tokens: 5, total_tokens: 15, cached_tokens: 4 },
    ]);
  });

  it("adds records up per UTC hour, named by the hour's start", () => {
    const hours = report(
      [record('2026-11-22T23:00:00.000Z', 1), { ...record('2026-11-22T23:00:00.000Z', 2), cachedTokens: 0 }, record('2026-11-23T00:00:00.000Z', 3)],
      'hour',
      [],
    );
    expect(Object.entries(hours).map(([hour, sums]) => [hour, sums.spend, sums.requests, sums.cached_tokens])).toEqual([
      ['2026-11-22T23:00:00Z', 0.000003, 2, 4],
      ['2026-11-23T00:00:00Z', 0.000003, 1, 4],
    ]);
  });

  it('groups by provider, key, model served and model requested; a row from before the requested model was kept has null', () => {
    const rows = [
      { ...record('2026-11-23T10:00:00Z', 5, 'openai/gpt-4o'), modelRequested: 'policy/cheap' },
      { ...record('2026-11-23T11:00:00Z', 7, 'anthropic/claude-haiku-4-5'), modelRequested: 'policy/cheap' },
      { ...record('2026-11-23T12:00:00Z', 11, 'openai/gpt-4o'), modelRequested: 'openai/gpt-4o' },
      record('2026-11-23T13:00:00Z', 13, 'openai/gpt-4o'),
    ];
    const groups = (groupBy: ConstructorParameters<typeof UsageReport>[1]) =>
      report(rows, 'day', groupBy)['2026-11-23']?.grouped_data?.map((group) => [group.group_by_values, group.spend, group.requests]);
    expect(groups(['provider'])).toEqual([
      [{ provider: 'openai' }, 0.000029, 3],
      [{ provider: 'anthropic' }, 0.000007, 1],
    ]);
    expect(groups(['model_requested'])).toEqual([
      [{ model_requested: 'policy/cheap' }, 0.000012, 2],
      [{ model_requested: 'openai/gpt-4o' }, 0.000011, 1],
      [{ model_requested: null }, 0.000013, 1],
    ]);
    expect(groups(['model_served', 'api_key'])).toEqual([
      [{ model_served: 'openai/gpt-4o', api_key: 'key_1' }, 0.000029, 3],
      [{ model_served: 'anthropic/claude-haiku-4-5', api_key: 'key_1' }, 0.000007, 1],
    ]);
  });

  it("groups an extra field by the row's own fields only, never by what every object inherits", () => {
    expect(report([record('2026-11-23T10:00:00Z', 1)], 'day', ['extra.constructor'])['2026-11-23']?.grouped_data?.[0]?.group_by_values).toEqual({
      'extra.constructor': null,
    });
  });
});

describe('usage report by group, calling app and BYOK', () => {
  it('groups by the group and app a row recorded, null for rows without them, and counts every row as BYOK', () => {
    const rows = [
      { ...record('2026-11-23T10:00:00Z', 5), groupId: 'grp_1', groupName: 'Red', originTitle: 'Open WebUI' },
      { ...record('2026-11-23T11:00:00Z', 7), groupId: 'grp_1', groupName: 'Red' },
      record('2026-11-23T12:00:00Z', 11),
    ];
    const usage = report(rows, 'day', ['group_id', 'group_name', 'origin_title', 'is_byok']);
    expect(usage['2026-11-23']?.grouped_data?.map(({ group_by_values, spend }) => ({ group_by_values, spend }))).toEqual([
      { group_by_values: { group_id: 'grp_1', group_name: 'Red', origin_title: 'Open WebUI', is_byok: true }, spend: 0.000005 },
      { group_by_values: { group_id: 'grp_1', group_name: 'Red', origin_title: null, is_byok: true }, spend: 0.000007 },
      { group_by_values: { group_id: null, group_name: null, origin_title: null, is_byok: true }, spend: 0.000011 },
    ]);
  });

  it('counts its periods and groups, which bound what an answer may hold', () => {
    const usage = new UsageReport('hour', ['model']);
    usage.add(record('2026-11-23T10:00:00Z', 1));
    usage.add(record('2026-11-23T10:00:00Z', 1));
    usage.add(record('2026-11-23T11:00:00Z', 1, 'mock/echo'));
    expect(usage.size).toBe(4);
  });
});
