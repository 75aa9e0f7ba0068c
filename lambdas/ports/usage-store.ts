import type { SpendSubjects } from '../core/alerts/crossed-alerts.js';

/**
 * Spend counters and usage, in integer micro-dollars, kept so that a limit is never passed: a
 * counter's `committed` is what was spent plus what running requests reserved. Usage is added up
 * per key, hour, model (answering and requested), user, `requesty.extra` values, group and calling app as
 * requests are settled.
 */
export interface UsageStore {
  /**
   * Reserves `amount` on every capped counter at once, unless that would take one of them past
   * its limit: then nothing is reserved and the reply names that counter. `expiresAt` (epoch ms)
   * is when an unsettled reservation is presumed dead.
   */
  reserve(requestId: string, amount: number, capped: readonly CappedCounter[], expiresAt: number): Promise<Reservation>;
  /**
   * Adds a finished request to its key's usage and its cost to `counters`, replacing its
   * reservation if it held one. Each request is settled once; a retried write counts once. A
   * settlement that cannot be written (after a few retries) goes to the store's dead letters,
   * to be replayed: it never fails another request's settlement, and is never silently lost.
   * Never rejects. `subjects`: whose spend alerts watch the request (see `foldsUnheld`).
   */
  settle(record: UsageRecord, counters: readonly Counter[], hold: Hold | undefined, subjects?: SpendSubjects): Promise<void>;
  /**
   * True when a settlement without a hold is only recorded here and added to the counters a few
   * seconds later by the usage fold, which then evaluates its spend alerts (from `subjects`):
   * the caller must not evaluate them on totals that do not hold it yet.
   */
  readonly foldsUnheld?: boolean;
  /** Writes settlements still waiting to be written, and waits for those being written (see write-behind in the DynamoDB store). */
  flush(): Promise<void>;
  /** Gives back a reservation whose request served nothing. */
  release(hold: Hold): Promise<void>;
  /** Releases the counter's reservations past their expiry (their requests died); returns how many. */
  releaseExpired(counter: Counter, now: number): Promise<number>;
  totals(counters: readonly Counter[]): Promise<CounterTotals[]>;
  /** One key's usage in the hours from the one holding `from` to the one holding `to`, oldest first. */
  usage(keyId: string, from: number, to: number): AsyncIterable<UsageRow>;
  /** Every key's usage in those hours (keys deleted since included), oldest first, read as one range. */
  orgUsage(from: number, to: number): AsyncIterable<UsageRow>;
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

/**
 * `committed`: each capped counter's right after the reservation, or the refusing counter's,
 * when the store learnt it for free.
 */
export type Reservation = { held: true; committed: number[] | undefined } | { held: false; refusedBy: Counter; committed?: number };

/** A reservation made for one request on some counters. */
export interface Hold {
  requestId: string;
  amount: number;
  counters: readonly Counter[];
}

/** What `settle` is given: one request's usage, the counters it adds to, and what it held. */
export interface Settlement {
  record: UsageRecord;
  counters: readonly Counter[];
  hold: Hold | undefined;
  subjects?: SpendSubjects | undefined;
}

/** One served request, as it is settled. */
export interface UsageRecord {
  requestId: string;
  keyId: string;
  /** Epoch ms when the request arrived. */
  at: number;
  /** The model that answered. */
  model: string;
  /** What the client asked for (`provider/model`, `policy/<name>`), when the caller tells. */
  modelRequested?: string;
  cost: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Input tokens read from the provider's cache (part of `inputTokens`); absent: none. */
  cachedTokens?: number;
  /** `requesty.user_id`, when the request named one. */
  userId?: string;
  /** `requesty.extra`, its values as strings. */
  extra: Record<string, string>;
  /** The key's group when the request came, and that group's name then. */
  groupId?: string;
  groupName?: string;
  /** The calling app (`X-Title`, else `HTTP-Referer`), when it said. */
  originTitle?: string;
}

/** The requests of one key in one hour with the same models, user, extra values, group and calling app, added up. */
export interface UsageRow {
  keyId: string;
  /** Epoch ms of the start of the hour. */
  hour: number;
  /** The model that answered. */
  model: string;
  /** Absent on rows written before it was recorded. */
  modelRequested?: string;
  userId?: string;
  extra: Record<string, string>;
  /** Absent on rows written before they were recorded, and for requests without them. */
  groupId?: string;
  groupName?: string;
  originTitle?: string;
  requests: number;
  cost: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cachedTokens: number;
}
