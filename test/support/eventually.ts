/**
 * Polls `probe` until it gives a value (a throw counts as not yet), for conditions that depend
 * on other processes: a generous deadline, never a fixed sleep.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, withinMs = 90_000): Promise<T> {
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
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
