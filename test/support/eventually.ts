/**
 * Polls `probe` until it gives a value (a throw counts as not yet), for conditions that depend
 * on other processes: a generous deadline, never a fixed sleep.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, withinMs = 90_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}.`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Retries `assertion` until it passes, for what shows only once a cache of the router has
 * expired (keys, policies, the organisation's settings, kept a fraction of a second in tests):
 * within a bound far past that, then failing with the assertion's last error. Whatever it calls
 * is called again on each try: only calls a test may repeat.
 */
export async function eventuallyPasses<T>(assertion: () => Promise<T>, what: string, withinMs = 10_000): Promise<T> {
  return (await eventually(async () => ({ passed: await assertion() }), what, withinMs, 50)).passed;
}
