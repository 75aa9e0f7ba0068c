/** A span of time spend is counted over: a calendar month (`2026-11`) or day (`2026-11-23`), in UTC. */
export interface Period {
  id: string;
  start: number;
  end: number;
}

/** Billing periods (what monthly limits apply to) are calendar months. */
export const billingPeriod = lastPeriodKept((date) => {
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return { id: new Date(start).toISOString().slice(0, 7), start, end };
});

export const dayPeriod = lastPeriodKept((date) => {
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return { id: new Date(start).toISOString().slice(0, 10), start, end: start + 86_400_000 };
});

/** Every request asks for the current period: the last one is kept and reused while it lasts. */
function lastPeriodKept(periodOf: (date: Date) => Period): (now: number) => Period {
  let last: Period | undefined;
  return (now) => {
    if (last && now >= last.start && now < last.end) return last;
    last = periodOf(new Date(now));
    return last;
  };
}

/** When the period named `id` ends; undefined for ids that name no month or day (such as `all`). */
export function periodEnd(id: string): number | undefined {
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(id);
  if (!match) return undefined;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  return match[3] === undefined ? Date.UTC(year, month, 1) : Date.UTC(year, month - 1, day + 1);
}
