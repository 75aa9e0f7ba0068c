import type { AlertMarker } from '../core/alerts/crossed-alerts.js';

/**
 * The record that a crossing was announced, written with a condition so that any number of
 * processes settling at once announce it exactly once. Kept with the usage counters, in the
 * region whose spend crossed.
 */
export interface AlertMarkers {
  /**
   * True for exactly one caller per marker (per prepaid limit, for a balance alert that was
   * re-armed); false when it was claimed already. A balance marker is claimable again once
   * re-armed, and only by a caller that saw the prepaid limit of the top-up or a later one.
   */
  claim(marker: AlertMarker, eventId: string, now: number): Promise<boolean>;
  /** Undoes this claim (its announcement could not be sent), so a later settlement announces it. */
  release(marker: AlertMarker, eventId: string): Promise<void>;
  /**
   * A top-up raised the balance above a balance alert's threshold: its next drop below is
   * announced. `marker` is the alert's balance marker with the top-up's prepaid limit.
   */
  rearmBalance(marker: AlertMarker): Promise<void>;
}
