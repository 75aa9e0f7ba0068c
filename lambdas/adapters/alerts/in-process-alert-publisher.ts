import type { AlertEvent } from '../../core/alerts/alert-event.js';
import type { AlertPublisher } from '../../ports/alert-publisher.js';

/**
 * The local stand-in for the EventBridge bus, its rule and queue: each event goes straight to
 * the delivery code (the one the delivery Lambda runs, retries and dead letters included),
 * in the background of this process.
 */
export class InProcessAlertPublisher implements AlertPublisher {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly deliver: (event: AlertEvent) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  async publish(events: readonly AlertEvent[]): Promise<AlertEvent[]> {
    for (const event of events) {
      const run: Promise<void> = this.deliver(event)
        .catch((error: unknown) => {
          // Nowhere durable is left: the whole event goes to the log, so it can still be sent by hand.
          this.log(JSON.stringify({ level: 'error', msg: 'alert event lost: delivery failed and could not be dead-lettered', error: String(error), event }));
        })
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
    return [];
  }

  async flush(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
