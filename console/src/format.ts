const dollarsFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 6, minimumFractionDigits: 2 });
const countFormat = new Intl.NumberFormat('en-US');

export function dollars(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : dollarsFormat.format(value);
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : countFormat.format(value);
}

export function percent(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined ? '—' : `${(fraction * 100).toFixed(1)}%`;
}

export function milliseconds(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${countFormat.format(Math.round(value))} ms`;
}

/** For display: in UTC, like the usage periods and charts, and says so. */
export function dateTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/**
 * An instant as a `datetime-local` input's value, which is the browser's wall time. Seconds and
 * milliseconds stay when the instant has them (the input needs `step="any"` to accept them), so
 * saving the input unchanged keeps the instant.
 */
export function localInputValue(iso: string): string {
  const at = new Date(iso);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 23).replace(/(:00)?\.000$/, '');
}

/** A `datetime-local` input's value (the browser's wall time) as an ISO instant. */
export function localInputInstant(value: string): string {
  // A date-time without an offset is read as local time (ECMA-262 Date.parse).
  return new Date(value).toISOString();
}

/** `2026-11-23` for a day `days` from today (UTC). */
export function isoDay(days = 0, from = new Date()): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export function monthStart(now = new Date()): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

/** Seconds since the epoch of an analytics or usage period name (`2026-11`, `2026-11-23`, `2026-11-23T10:00:00Z`). */
export function periodSeconds(period: string): number {
  const iso = /^\d{4}-\d{2}$/.test(period) ? `${period}-01` : period;
  return Date.parse(iso) / 1000;
}

/** An optional dollar field: empty means no limit (null). */
export function dollarsOrNull(text: string): number | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : Number(trimmed);
}

/** `team=search` lines (or comma-separated) to a labels object. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(/[\n,]/)) {
    const [name, ...rest] = part.split('=');
    if (name?.trim()) labels[name.trim()] = rest.join('=').trim();
  }
  return labels;
}

export function labelsText(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

/** Every UTC hour or day bucket (unix seconds) from `fromMs` to `toMs`, so quiet periods chart as 0. */
export function buckets(fromMs: number, toMs: number, step: 'hour' | 'day'): number[] {
  const size = step === 'hour' ? 3_600_000 : 86_400_000;
  const times: number[] = [];
  for (let at = Math.floor(fromMs / size) * size; at <= toMs; at += size) times.push(at / 1000);
  return times;
}
