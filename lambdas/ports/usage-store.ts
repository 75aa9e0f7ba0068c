/**
 * Spend per key and period, in integer micro-dollars, kept so that a limit is never passed:
 * `committed` is what was spent plus what running requests have reserved.
 */
export interface UsageStore {
  /**
   * Reserves `amount` for a request unless committed + amount would pass `limit`; false when
   * refused. `expiresAt` (epoch ms) is when an unsettled reservation is presumed dead.
   */
  reserve(reservation: Reservation, limit: number, expiresAt: number): Promise<boolean>;
  /** Replaces the reservation by the actual cost; settling a request twice counts it once. */
  settle(reservation: Reservation, actual: number): Promise<void>;
  /** Releases reservations past their expiry (their requests died without settling); returns how many. */
  releaseExpired(keyId: string, period: string, now: number): Promise<number>;
  periodTotals(keyId: string, period: string): Promise<{ spent: number; committed: number }>;
}

export interface Reservation {
  keyId: string;
  /** The billing period, e.g. `2026-11`. */
  period: string;
  requestId: string;
  amount: number;
}
