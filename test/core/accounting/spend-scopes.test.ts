import { describe, expect, it } from 'vitest';
import { periodEnd } from '../../../lambdas/core/accounting/periods.js';
import { spendScopes } from '../../../lambdas/core/accounting/spend-scopes.js';

const key = { id: 'k1', kind: 'api' as const, keyHash: 'h', prefix: 'sb-', name: 'k', labels: {}, disabled: false, createdAt: 0, monthlyLimit: 5 };
const now = Date.parse('2026-11-23T10:00:00Z');

describe('spend scopes', () => {
  it("counts a request on its key's, group's and organisation's month and the organisation's all-time total, with their limits (the prepaid one of this region)", () => {
    const group = { id: 'g1', name: 'search', description: '', models: [], createdAt: 0, monthlyLimit: 50 };
    const scopes = spendScopes({ key, group, org: { name: 'o', prepaidLimits: { 'eu-central-1': 1000, 'us-east-1': 5 } } }, now, { daily: false, region: 'eu-central-1' });
    expect(scopes.map(({ counter, limit, resetsAt }) => ({ ...counter, limit, resetsAt }))).toEqual([
      { owner: 'key#k1', period: '2026-11', limit: 5, resetsAt: Date.parse('2026-12-01T00:00:00Z') },
      { owner: 'group#g1', period: '2026-11', limit: 50, resetsAt: Date.parse('2026-12-01T00:00:00Z') },
      { owner: 'org', period: '2026-11', limit: undefined, resetsAt: Date.parse('2026-12-01T00:00:00Z') },
      { owner: 'org', period: 'all', limit: 1000, resetsAt: undefined },
    ]);
  });

  it('adds uncapped daily counters when asked, and skips the group for keys without one', () => {
    const scopes = spendScopes({ key, group: undefined, org: { name: 'o' } }, now, { daily: true, region: 'us-east-1' });
    expect(scopes.map(({ counter }) => `${counter.owner} ${counter.period}`)).toEqual([
      'key#k1 2026-11',
      'org 2026-11',
      'org all',
      'key#k1 2026-11-23',
      'org 2026-11-23',
    ]);
    expect(scopes.slice(3).every((scope) => scope.limit === undefined)).toBe(true);
  });
});

describe('period ends', () => {
  it('knows when months and days end, across year ends, and that `all` never does', () => {
    expect(periodEnd('2026-12')).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(periodEnd('2026-12-31')).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(periodEnd('2026-02-28')).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(periodEnd('all')).toBeUndefined();
  });
});
