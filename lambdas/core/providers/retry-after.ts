/**
 * Reads how long a provider asks us to wait: OpenAI's `retry-after-ms`, else the standard
 * `Retry-After` in seconds or as an HTTP date (RFC 9110 §10.2.3).
 */
export function parseRetryAfterMs(headers: Record<string, string | undefined>, now: number): number | undefined {
  const millis = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(millis) && millis >= 0) return millis;
  const value = headers['retry-after'];
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
