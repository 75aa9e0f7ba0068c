/**
 * Spend counters and per-request usage records, in integer micro-dollars, kept so that a limit
 * is never passed: a counter's `committed` is what was spent plus what running requests reserved.
 */
export interface UsageStore {
  /**
   * Reserves `amount` on every capped counter at once, unless that would take one of them past
   * its limit: then nothing is reserved and that counter is returned. `expiresAt` (epoch ms) is
   * when an unsettled reservation is presumed dead.
   */
  reserve(requestId: string, amount: number, capped: readonly CappedCounter[], expiresAt: number): Promise<Counter | undefined>;
  /**
   * Records a finished request and adds its cost to `counters`, replacing its reservation if it
   * held one. Settling a request twice counts it once.
   */
  settle(record: UsageRecord, counters: readonly Counter[], hold: Hold | undefined): Promise<void>;
  /** Gives back a reservation whose request served nothing. */
  release(hold: Hold): Promise<void>;
  /** Releases the counter's reservations past their expiry (their requests died); returns how many. */
  releaseExpired(counter: Counter, now: number): Promise<number>;
  totals(counters: readonly Counter[]): Promise<CounterTotals[]>;
  /** One key's usage records from `from` to `to` (epoch ms, both included), oldest first. */
  records(keyId: string, from: number, to: number): AsyncIterable<UsageRecord>;
}

/** Whose spend (`key#<id>`, `group#<id>` or `org`) over which period (`2026-11`, or `all` for ever). */
export interface Counter {
  owner: string;
  period: string;
}

export interface CappedCounter extends Counter {
  limit: number;
}

export interface CounterTotals {
  spent: number;
  committed: number;
}

/** A reservation made for one request on some counters. */
export interface Hold {
  requestId: string;
  amount: number;
  counters: readonly Counter[];
}

/** One served request, as the usage endpoint adds it up. */
export interface UsageRecord {
  requestId: string;
  keyId: string;
  /** Epoch ms when the request arrived. */
  at: number;
  model: string;
  cost: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** `requesty.user_id`, when the request named one. */
  userId?: string;
  /** `requesty.extra`, its values as strings. */
  extra: Record<string, string>;
}
