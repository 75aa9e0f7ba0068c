import type { Counter } from '../../ports/usage-store.js';
import type { Account } from '../accounting/account.js';
import { billingPeriod } from '../accounting/periods.js';
import { groupUserOwner, userOwner } from '../accounting/spend-scopes.js';
import type { AlertRule, AlertType } from './alert-rules.js';

/** Whose spend a settled request moved, and their limits, as the request's account saw them. */
export interface SpendSubjects {
  region: string;
  /** The billing month: `id` (`2026-11`) and `end` (epoch ms). */
  period: { id: string; end: number };
  key: { id: string; name: string; limit?: number | undefined };
  group?: { id: string; name: string; limit?: number | undefined } | undefined;
  org: { name: string; limit?: number | undefined; prepaidLimit?: number | undefined };
  userId?: string | undefined;
}

/** The subjects of a request settled at `at` in `region` for `account`, naming `userId` or not. */
export function spendSubjects(account: Account, at: number, region: string, userId: string | undefined): SpendSubjects {
  const month = billingPeriod(at);
  const { key, group, org } = account;
  return {
    region,
    period: { id: month.id, end: month.end },
    key: { id: key.id, name: key.name, limit: key.monthlyLimit },
    group: group && { id: group.id, name: group.name, limit: group.monthlyLimit },
    org: { name: org.name, limit: org.monthlyLimit, prepaidLimit: org.prepaidLimits?.[region] },
    // An empty user id names no one (spendScopes counts no spend for it).
    userId: userId || undefined,
  };
}

/** What each subject has spent (micro-dollars), read after the request's usage was written. */
export interface Spends {
  key: number;
  group: number;
  org: number;
  orgEver: number;
  user: number;
  userInGroup: number;
}

/**
 * Where an announced crossing is recorded, so it is announced once: per alert, subject and
 * billing period. The balance alert has no period: a top-up re-arms it (see AlertMarkers).
 */
export interface AlertMarker {
  alertId: string;
  /** `key#<id>`, `group#<id>`, `org`, `user#<id>`, `group#<id>/user#<id>`. */
  subject: string;
  /** The month (`2026-11`), or `balance`. */
  period: string;
  /** Balance alerts: the prepaid limit in force when the balance was seen below the threshold. */
  prepaidLimit?: number;
  /** Epoch ms after which the marker is of no use. */
  expiresAt?: number;
}

export interface Crossing {
  rule: AlertRule;
  marker: AlertMarker;
  subjects: SpendSubjects;
  spends: Spends;
}

/** A month's marker is kept a while past the month, then expires. */
const markerKeptAfterPeriodMs = 40 * 86_400_000;

interface Watcher {
  /** Whether the alert watches one of these subjects at all (before any spend is read). */
  applies(rule: AlertRule, subjects: SpendSubjects): boolean;
  /** The marker of the crossing, when the spend is past the threshold. */
  crossed(rule: AlertRule, subjects: SpendSubjects, spends: Spends): AlertMarker | undefined;
}

const keyMatches = (rule: AlertRule, s: SpendSubjects) =>
  (rule.keyId === undefined || rule.keyId === s.key.id) && (rule.groupId === undefined || rule.groupId === s.group?.id);

/**
 * Level-triggered: an alert is crossed whenever the settled spend is at or past its threshold,
 * and the marker (a conditional write) makes the first sighting the only announcement. Under
 * concurrent settlements no single request knows the spend "before" it, so an edge could be
 * missed; a level cannot.
 */
const watchers: Readonly<Record<AlertType, Watcher>> = {
  'key.budget.exceeded_percent': {
    applies: (rule, s) => keyMatches(rule, s) && positive(s.key.limit),
    crossed: (rule, s, spend) => (reachedPercent(spend.key, s.key.limit, rule.threshold) ? monthly(rule, s, `key#${s.key.id}`) : undefined),
  },
  'key.budget.exceeded_absolute': {
    applies: keyMatches,
    crossed: (rule, s, spend) => (spend.key >= rule.threshold ? monthly(rule, s, `key#${s.key.id}`) : undefined),
  },
  'group.budget.exceeded_percent': {
    applies: (rule, s) => s.group !== undefined && (rule.groupId === undefined || rule.groupId === s.group.id) && positive(s.group.limit),
    crossed: (rule, s, spend) =>
      s.group && reachedPercent(spend.group, s.group.limit, rule.threshold) ? monthly(rule, s, `group#${s.group.id}`) : undefined,
  },
  'org.budget.exceeded_percent': {
    applies: (_, s) => positive(s.org.limit),
    crossed: (rule, s, spend) => (reachedPercent(spend.org, s.org.limit, rule.threshold) ? monthly(rule, s, 'org') : undefined),
  },
  'org.balance.below_absolute': {
    applies: (_, s) => s.org.prepaidLimit !== undefined,
    crossed: (rule, s, spend) => {
      const prepaidLimit = s.org.prepaidLimit;
      if (prepaidLimit === undefined || balanceOf(prepaidLimit, spend.orgEver) >= rule.threshold) return undefined;
      return balanceMarker(rule.id, prepaidLimit);
    },
  },
  'user.budget.exceeded_absolute': {
    applies: (rule, s) => s.userId !== undefined && (rule.groupId === undefined || rule.groupId === s.group?.id),
    crossed: (rule, s, spend) => {
      if (s.userId === undefined) return undefined;
      const inGroup = rule.groupId !== undefined && s.group !== undefined;
      if ((inGroup ? spend.userInGroup : spend.user) < rule.threshold) return undefined;
      return monthly(rule, s, inGroup && s.group ? groupUserOwner(s.group.id, s.userId) : userOwner(s.userId));
    },
  },
};

/** The alerts that watch any of these subjects: with none, no spend needs reading. */
export function applicableAlerts(rules: readonly AlertRule[], subjects: SpendSubjects): AlertRule[] {
  return rules.filter((rule) => watchers[rule.type].applies(rule, subjects));
}

/** The alerts whose thresholds the spend has reached, each with the marker that announces it once. */
export function crossedAlerts(rules: readonly AlertRule[], subjects: SpendSubjects, spends: Spends): Crossing[] {
  return applicableAlerts(rules, subjects).flatMap((rule) => {
    const marker = watchers[rule.type].crossed(rule, subjects, spends);
    return marker ? [{ rule, marker, subjects, spends }] : [];
  });
}

/** The counters whose totals make up `Spends` (the owners spendScopes adds to); absent subjects spend nothing. */
export function spendCounters(subjects: SpendSubjects): Partial<Record<keyof Spends, Counter>> {
  const month = subjects.period.id;
  const { group, userId } = subjects;
  return {
    key: { owner: `key#${subjects.key.id}`, period: month },
    org: { owner: 'org', period: month },
    orgEver: { owner: 'org', period: 'all' },
    ...(group ? { group: { owner: `group#${group.id}`, period: month } } : {}),
    ...(userId === undefined ? {} : { user: { owner: userOwner(userId), period: month } }),
    ...(userId !== undefined && group ? { userInGroup: { owner: groupUserOwner(group.id, userId), period: month } } : {}),
  };
}

/** The marker of a balance alert: one per alert (and region), re-armed by top-ups rather than by months. */
export function balanceMarker(alertId: string, prepaidLimit: number): AlertMarker {
  return { alertId, subject: 'org', period: 'balance', prepaidLimit };
}

/** The prepaid balance left: never below zero. */
export function balanceOf(prepaidLimit: number, spentEver: number): number {
  return Math.max(0, prepaidLimit - spentEver);
}

/** The marker's identity as one string (what the process remembers it by). */
export function markerId(marker: AlertMarker): string {
  return [marker.alertId, marker.subject, marker.period, marker.prepaidLimit ?? ''].join('\n');
}

function monthly(rule: AlertRule, subjects: SpendSubjects, subject: string): AlertMarker {
  return { alertId: rule.id, subject, period: subjects.period.id, expiresAt: subjects.period.end + markerKeptAfterPeriodMs };
}

function positive(limit: number | undefined): limit is number {
  return limit !== undefined && limit > 0;
}

/** spent / limit >= basisPoints / 10,000, in integers (limits reach 10^15 micro-dollars). */
function reachedPercent(spent: number, limit: number | undefined, basisPoints: number): boolean {
  return positive(limit) && BigInt(spent) * 10_000n >= BigInt(basisPoints) * BigInt(limit);
}
