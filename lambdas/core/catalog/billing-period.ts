/** Billing periods are calendar months in UTC, named `YYYY-MM`. */
export function billingPeriod(now: number): { id: string; start: number; end: number } {
  const date = new Date(now);
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return { id: new Date(start).toISOString().slice(0, 7), start, end };
}
