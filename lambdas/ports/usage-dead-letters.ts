import type { Settlement } from './usage-store.js';

/**
 * Where a settlement goes that the usage store could not write: somewhere durable, from which
 * it can be replayed (`npm run replay-usage`). Deployed: an SQS queue with an alarm; locally:
 * a JSON-lines file in the data folder.
 */
export interface UsageDeadLetters {
  /** Where letters go, for log lines and the operator (a file path, a queue URL). */
  readonly description: string;
  /** Resolves once the letter is stored durably; rejects if it could not be. */
  put(settlement: Settlement, reason: DeadLetterReason): Promise<void>;
}

export interface DeadLetterReason {
  message: string;
  /**
   * True when the store refused the write outright (a validation error), so it certainly was
   * not applied; false when it may have been (a timeout, a 5xx, throttling to the end).
   */
  rejected: boolean;
}

/** A settlement as it waits to be replayed. */
export interface DeadLetter {
  settlement: Settlement;
  reason: DeadLetterReason;
  /** Epoch ms when it was dead-lettered. */
  at: number;
  /** Set when text fields were cut to fit the dead-letter place; money and counters are whole. */
  truncated?: boolean;
}

/** Dead letters as replay reads them: each removed only once its settlement is written. */
export interface DeadLetterInbox {
  readonly description: string;
  letters(): AsyncIterable<ReceivedLetter>;
}

export interface ReceivedLetter {
  letter: DeadLetter;
  /** Deletes the letter: its settlement is written. */
  remove(): Promise<void>;
  /** Leaves the letter for a later replay (why it still failed goes with it). */
  keep(reason: DeadLetterReason): Promise<void>;
}
