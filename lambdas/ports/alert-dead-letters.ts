import type { AlertEvent } from '../core/alerts/alert-event.js';

/** A delivery that failed all its attempts: the event, for one webhook, and why. */
export interface AlertDeadLetter {
  event: AlertEvent & { webhook_id: string };
  reason: string;
  attempts: number;
  /** Epoch ms when it was dead-lettered. */
  at: number;
}

/**
 * Where failed deliveries wait for `POST /v1/manage/webhook/{id}/replay`. Deployed: the alert
 * dead-letter queue (with an alarm on its depth); locally: a JSON-lines file in the data folder.
 */
export interface AlertDeadLetters {
  readonly description: string;
  /** Resolves once the letter is stored durably; rejects if it could not be. */
  put(letter: AlertDeadLetter): Promise<void>;
  /**
   * The events waiting for one webhook, and those that never reached the deliverer (they are
   * for every webhook). Each is removed only by its `remove`; what is not removed stays.
   */
  waiting(webhookId: string): AsyncIterable<WaitingEvent>;
}

export interface WaitingEvent {
  event: AlertEvent;
  remove(): Promise<void>;
}
