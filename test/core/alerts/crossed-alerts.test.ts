import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../../../lambdas/core/alerts/alert-rules.js';
import { applicableAlerts, crossedAlerts, spendCounters, type SpendSubjects, type Spends } from '../../../lambdas/core/alerts/crossed-alerts.js';
import { alertEventId } from '../../../lambdas/core/alerts/alert-event.js';
import { subjects } from './spend-subjects.js';

const none: Spends = { key: 0, group: 0, org: 0, orgEver: 0, user: 0, userInGroup: 0 };
const rule = (type: AlertRule['type'], threshold: number, extra: Partial<AlertRule> = {}): AlertRule => ({ id: `alr_${type}_${threshold}`, type, threshold, createdAt: 1, ...extra });
const crossed = (rules: AlertRule[], spends: Partial<Spends>, over: Partial<SpendSubjects> = {}) =>
  crossedAlerts(rules, { ...subjects, ...over }, { ...none, ...spends }).map((crossing) => crossing.rule.id);

describe('which alerts a settled spend has crossed', () => {
  it('crosses a key percentage at or past the threshold, once per threshold, each with its own marker', () => {
    const rules = [50, 75, 90].map((percent) => rule('key.budget.exceeded_percent', percent * 100));
    expect(crossed(rules, { key: 49_999_999 })).toEqual([]);
    expect(crossed(rules, { key: 50_000_000 })).toEqual(['alr_key.budget.exceeded_percent_5000']);
    expect(crossed(rules, { key: 91_000_000 })).toHaveLength(3);
    const markers = crossedAlerts(rules, subjects, { ...none, key: 91_000_000 }).map((crossing) => crossing.marker);
    expect(new Set(markers.map(alertEventId)).size).toBe(3);
    expect(markers[0]).toEqual({ alertId: rules[0]?.id, subject: 'key#key_a', period: '2026-11', expiresAt: Date.UTC(2026, 11, 1) + 40 * 86_400_000 });
  });

  it('needs a limit for a percentage: a key, group or organisation without one never crosses', () => {
    const rules = [rule('key.budget.exceeded_percent', 100), rule('group.budget.exceeded_percent', 100), rule('org.budget.exceeded_percent', 100)];
    const unlimited = { key: { id: 'key_a', name: 'n' }, group: { id: 'grp_e', name: 'E' }, org: { name: 'Acme' } };
    expect(applicableAlerts(rules, { ...subjects, ...unlimited })).toEqual([]);
    expect(crossed(rules, { key: 1e12, group: 1e12, org: 1e12 }, unlimited)).toEqual([]);
  });

  it('narrows by key and group, and watches every key or group without them', () => {
    const rules = [
      rule('key.budget.exceeded_absolute', 1_000_000, { id: 'mine', keyId: 'key_a' }),
      rule('key.budget.exceeded_absolute', 1_000_000, { id: 'other', keyId: 'key_b' }),
      rule('key.budget.exceeded_absolute', 1_000_000, { id: 'in-group', groupId: 'grp_e' }),
      rule('key.budget.exceeded_absolute', 1_000_000, { id: 'any' }),
      rule('group.budget.exceeded_percent', 1_000, { id: 'other-group', groupId: 'grp_x' }),
    ];
    expect(crossed(rules, { key: 1_000_000, group: 500_000_000 })).toEqual(['mine', 'in-group', 'any']);
  });

  it('watches a user spend across the organisation, or within a group, by requesty.user_id', () => {
    const rules = [rule('user.budget.exceeded_absolute', 50_000_000, { id: 'global' }), rule('user.budget.exceeded_absolute', 20_000_000, { id: 'eng', groupId: 'grp_e' })];
    expect(crossed(rules, { user: 60_000_000, userInGroup: 10_000_000 })).toEqual(['global']);
    const both = crossedAlerts(rules, subjects, { ...none, user: 60_000_000, userInGroup: 25_000_000 });
    expect(both.map((crossing) => crossing.marker.subject)).toEqual(['user#alice@company.com', 'group#grp_e/user#alice@company.com']);
    expect(applicableAlerts(rules, { ...subjects, userId: undefined })).toEqual([]);
  });

  it('fires the balance alert below its threshold, under the prepaid limit in force', () => {
    const low = rule('org.balance.below_absolute', 100_000_000);
    // Prepaid 300 $, spent 200 $: balance 100 $, not below.
    expect(crossed([low], { orgEver: 200_000_000 })).toEqual([]);
    const [crossing] = crossedAlerts([low], subjects, { ...none, orgEver: 212_500_000 });
    expect(crossing?.marker).toEqual({ alertId: low.id, subject: 'org', period: 'balance', prepaidLimit: 300_000_000 });
    // After a top-up the same crossing is another event (a new prepaid limit).
    const [again] = crossedAlerts([low], { ...subjects, org: { ...subjects.org, prepaidLimit: 600_000_000 } }, { ...none, orgEver: 520_000_000 });
    expect(alertEventId(again?.marker ?? crossing!.marker)).not.toBe(alertEventId(crossing!.marker));
    expect(applicableAlerts([low], { ...subjects, org: { name: 'Acme' } })).toEqual([]);
  });

  it('compares percentages exactly, also at the largest limits', () => {
    const limit = 999_999_999_999_999;
    const [at90] = [rule('org.budget.exceeded_percent', 9_000)];
    expect(crossed([at90!], { org: 899_999_999_999_999 }, { org: { name: 'org_abc123', limit } })).toEqual([]);
    expect(crossed([at90!], { org: 900_000_000_000_000 }, { org: { name: 'org_abc123', limit } })).toEqual([at90!.id]);
  });

  it('reads only the counters of the subjects there are', () => {
    expect(Object.keys(spendCounters({ ...subjects, group: undefined, userId: undefined })).sort()).toEqual(['key', 'org', 'orgEver']);
    expect(spendCounters(subjects).userInGroup).toEqual({ owner: 'group#grp_e/user#alice@company.com', period: '2026-11' });
  });
});
