import { z } from 'zod';
import { billingPeriod, dayPeriod } from '../../core/accounting/periods.js';
import { microsToDollars } from '../../core/catalog/request-cost.js';
import { GatewayError } from '../../core/errors.js';
import { unknownModelReason } from '../../core/providers/known-model.js';
import type { ManagementDeps } from './management-deps.js';

/** US dollars at the API (integer micro-dollars inside); null removes the limit. */
export const dollarLimitSchema = z.number().min(0).max(1_000_000_000).nullable();

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).optional(),
});

/** Model ids (`provider/model`) or whole providers (`provider/*`). */
export const modelListSchema = z.array(z.string().min(3).max(256)).max(500);

export function toMicros(dollars: number): number {
  return Math.round(dollars * 1_000_000);
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

/**
 * What a counter owner (`key#<id>`, `group#<id>`, `org`) spent this month, with the month's
 * bounds, and today when daily counters are on.
 */
export async function currentSpend(owner: string, deps: ManagementDeps) {
  const now = Date.now();
  const month = billingPeriod(now);
  const day = dayPeriod(now);
  const [monthTotals, dayTotals] = await deps.usage.totals([
    { owner, period: month.id },
    ...(deps.dailyCounters ? [{ owner, period: day.id }] : []),
  ]);
  return {
    spend: microsToDollars(monthTotals?.spent ?? 0),
    ...(dayTotals ? { spend_today: microsToDollars(dayTotals.spent) } : {}),
    period_start: new Date(month.start).toISOString(),
    period_end: new Date(month.end).toISOString(),
  };
}
