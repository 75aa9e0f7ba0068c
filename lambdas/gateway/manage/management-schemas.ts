import { z } from 'zod';
import { billingPeriod, dayPeriod } from '../../core/accounting/periods.js';
import { microsToDollars } from '../../core/catalog/request-cost.js';
import { GatewayError } from '../../core/errors.js';
import { unknownModelReason } from '../../core/providers/known-model.js';
import type { ManagementDeps } from './management-deps.js';

const maxDollars = 1_000_000_000;

/**
 * US dollars at the API (integer micro-dollars inside): a JSON number or, as Requesty writes its
 * decimals, a decimal string (`"12.50"`).
 */
export const dollarsSchema = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d{1,10}(\.\d{1,12})?$/, 'must be a number of dollars, as a number or a decimal string such as "12.50"')
      .transform(Number),
  ])
  .pipe(z.number().min(0).max(maxDollars));

/** A limit in dollars; null removes the limit. */
export const dollarLimitSchema = dollarsSchema.nullable();

/**
 * A key's or group's monthly limit, where (as Requesty documents for both) 0 means no limit,
 * like null. Other limits (the organisation's, its default for keys, its balance) keep 0 as a
 * cap of $0, the safe reading where Requesty says nothing.
 */
export const monthlyLimitSchema = dollarLimitSchema.transform((dollars) => (dollars === 0 ? null : dollars));

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).optional(),
});

/** Model ids (`provider/model`) or whole providers (`provider/*`). */
export const modelListSchema = z.array(z.string().min(3).max(256)).max(500);

export function toMicros(dollars: number): number {
  return Math.round(dollars * 1_000_000);
}

/** A limit as the API sets it: null removes it. */
export function limitMicros(dollars: number | null): number | null {
  return dollars === null ? null : toMicros(dollars);
}

export function dollarsOrNull(micros: number | undefined): number | null {
  return micros === undefined ? null : microsToDollars(micros);
}

/** Refuses, with a 400 naming the entry, a list naming a provider or model this gateway does not know. */
export function checkModelList(models: readonly string[], deps: ManagementDeps, field: string): string[] {
  for (const [index, model] of models.entries()) {
    const unknown = unknownModelReason(model, deps.providers, { wildcard: true });
    if (unknown) throw new GatewayError(400, 'invalid_request', unknown, { param: `${field}[${index}]` });
  }
  return [...new Set(models)];
}

/** What a counter owner spent this month, with the month's bounds, and today when daily counters are on. */
export interface SpendView {
  spend: number;
  spend_today?: number;
  period_start: string;
  period_end: string;
}

/** The current spend of each counter owner (`key#<id>`, `group#<id>`, `org`), read together. */
export async function currentSpends(owners: readonly string[], deps: ManagementDeps): Promise<SpendView[]> {
  const now = Date.now();
  const month = billingPeriod(now);
  const day = dayPeriod(now);
  const periods = deps.dailyCounters ? [month.id, day.id] : [month.id];
  const totals = await deps.usage.totals(owners.flatMap((owner) => periods.map((period) => ({ owner, period }))));
  return owners.map((_, index) => {
    const [monthTotals, dayTotals] = totals.slice(index * periods.length, (index + 1) * periods.length);
    return {
      spend: microsToDollars(monthTotals?.spent ?? 0),
      ...(dayTotals ? { spend_today: microsToDollars(dayTotals.spent) } : {}),
      period_start: new Date(month.start).toISOString(),
      period_end: new Date(month.end).toISOString(),
    };
  });
}
