import type { SpendSubjects } from '../core/alerts/crossed-alerts.js';
import type { Settlement } from './usage-store.js';

/** Adds recorded settlements (of requests that held nothing) to the counters and usage rows, each once. */
export interface UsageFolder {
  /**
   * Folds `settlements` in their order and answers how many of them, from the first, are now
   * counted (by this call or before it); the rest could not be written and must come again.
   */
  fold(settlements: readonly Settlement[]): Promise<number>;
}

/** A settlement recorded for the fold, and whose spend alerts watch it (absent: none were asked for). */
export interface RecordedSettlement {
  settlement: Settlement;
  subjects: SpendSubjects | undefined;
}
