const baseDelayMs = 500;
const maxDelayMs = 4_000;
const jitter = 0.1;

/**
 * The wait before retry number `retry` (0-based) of the same model: 500 ms, 1 s, 2 s, 4 s, then
 * 4 s again, each ±10% so that many clients failing together do not retry together.
 * `random` is in [0, 1).
 */
export function backoffMs(retry: number, random: number): number {
  const delay = Math.min(baseDelayMs * 2 ** retry, maxDelayMs);
  return Math.round(delay * (1 - jitter + 2 * jitter * random));
}
