import type { AlertEvent } from '../core/alerts/alert-event.js';

/**
 * Where announced crossings go for delivery. Deployed: the EventBridge bus (a rule queues them
 * for the delivery Lambda); locally: straight to the same delivery code, in process.
 */
export interface AlertPublisher {
  /** Sends the events on their way; resolves with those that could not be sent, after its own retries. Never rejects. */
  publish(events: readonly AlertEvent[]): Promise<AlertEvent[]>;
  /** Resolves once work under way has ended (in process: the deliveries, retries included). */
  flush(): Promise<void>;
}
