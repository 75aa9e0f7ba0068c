/**
 * Waits, when the next UTC boundary of a `periodMs` period (an hour, a day) is less than
 * `marginMs` away, until just past it: requests made next then fall in one period, however
 * slowly a busy machine serves them.
 */
export async function clearOfBoundary(periodMs: number, marginMs = 20_000): Promise<void> {
  const untilNext = periodMs - (Date.now() % periodMs);
  if (untilNext < marginMs) await new Promise((resolve) => setTimeout(resolve, untilNext + 100));
}
