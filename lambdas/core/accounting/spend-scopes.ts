import type { Counter } from '../../ports/usage-store.js';
import type { Account } from './account.js';
import { billingPeriod, dayPeriod } from './periods.js';

/** One counter a request's cost goes to, with the limit on it if there is one. */
export interface SpendScope {
  counter: Counter;
  limit: number | undefined;
  /** Names the limit in a refusal, e.g. "This API key's monthly spend limit". */
  label: string;
  /** When the counter starts again from zero; undefined for the all-time prepaid budget. */
  resetsAt: number | undefined;
}

/**
 * Every counter a request's cost is added to: the key's, its group's and the organisation's
 * month, the organisation's all-time total (against which this region's prepaid budget is a
 * limit), when daily counters are on, each one's day, and, for a request naming a
 * `requesty.user_id`, that user's month (and their month within the key's group), which user
 * spend alerts watch.
 */
export function spendScopes(
  account: Account,
  now: number,
  { daily, region, userId }: { daily: boolean; region: string; userId?: string | undefined },
): SpendScope[] {
  const month = billingPeriod(now);
  const owners: { owner: string; limit: number | undefined; label: string }[] = [
    { owner: `key#${account.key.id}`, limit: account.key.monthlyLimit, label: "This API key's monthly spend limit" },
    ...(account.group
      ? [{ owner: `group#${account.group.id}`, limit: account.group.monthlyLimit, label: `Group "${account.group.name}"'s monthly budget` }]
      : []),
    { owner: 'org', limit: account.org.monthlyLimit, label: "The organisation's monthly budget" },
  ];
  const scopes: SpendScope[] = owners.map(({ owner, limit, label }) => ({ counter: { owner, period: month.id }, limit, label, resetsAt: month.end }));
  const prepaid = account.org.prepaidLimits?.[region];
  scopes.push({ counter: { owner: 'org', period: 'all' }, limit: prepaid, label: "The organisation's prepaid balance", resetsAt: undefined });
  if (userId) {
    const users = [userOwner(userId), ...(account.group ? [groupUserOwner(account.group.id, userId)] : [])];
    scopes.push(...users.map((owner) => ({ counter: { owner, period: month.id }, limit: undefined, label: '', resetsAt: month.end })));
  }
  if (daily) {
    const day = dayPeriod(now);
    scopes.push(...owners.map(({ owner }) => ({ counter: { owner, period: day.id }, limit: undefined, label: '', resetsAt: day.end })));
  }
  return scopes;
}

/** The counter owner of a user's spend (`requesty.user_id`) across the organisation. */
export function userOwner(userId: string): string {
  return `user#${userId}`;
}

/** The counter owner of a user's spend through one group's keys (group ids hold no `/`). */
export function groupUserOwner(groupId: string, userId: string): string {
  return `group#${groupId}/user#${userId}`;
}
