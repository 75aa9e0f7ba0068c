/** One POST of a delivery: delivered on a 2xx; `retryable` false when trying again cannot help. */
export type AttemptResult = { delivered: true; status: number } | { delivered: false; status?: number; error: string; retryable: boolean };

/** Requesty's dispatcher: up to 3 retries with exponential backoff, 15 s per attempt. */
export interface RetryPolicy {
  retries: number;
  /** The wait before the first retry; each later one doubles it. */
  baseDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 3, baseDelayMs: 2_000 };

export interface DeliveryOutcome {
  attempts: number;
  last: AttemptResult;
}

/** The wait before retry number `retry` (0-based): base, 2 × base, 4 × base... */
export function retryDelayMs(retry: number, policy: RetryPolicy): number {
  return policy.baseDelayMs * 2 ** retry;
}

/**
 * Attempts a delivery until it is delivered, cannot be helped by retrying, or has had its
 * retries, waiting with exponential backoff in between. `attempt` gets the attempt's number
 * (1-based) and never throws.
 */
export async function deliverWithRetries(
  attempt: (number: number) => Promise<AttemptResult>,
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void>,
): Promise<DeliveryOutcome> {
  for (let number = 1; ; number++) {
    const last = await attempt(number);
    if (last.delivered || !last.retryable || number > policy.retries) return { attempts: number, last };
    await sleep(retryDelayMs(number - 1, policy));
  }
}
