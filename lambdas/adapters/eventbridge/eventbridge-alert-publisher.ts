import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { alertEventSource, type AlertEvent } from '../../core/alerts/alert-event.js';
import type { AlertPublisher } from '../../ports/alert-publisher.js';

/** Calls PutEvents; resolves with one result entry per entry sent (an `ErrorCode` on those that failed). */
export type PutEvents = (entries: PutEventsRequestEntry[]) => Promise<PutEventsResultEntry[]>;

export function eventBridgePutEvents(client: EventBridgeClient): PutEvents {
  return async (entries) => (await client.send(new PutEventsCommand({ Entries: entries }))).Entries ?? [];
}

export interface EventBridgePublisherOptions {
  /** Tries in all, for each entry (PutEvents can fail some entries of a call and take the rest). */
  attempts: number;
  /** The wait before the second try; it doubles after each. */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
}

/** PutEvents takes at most 10 entries a call. */
const maxEntriesPerCall = 10;

/**
 * Alert events onto the EventBridge bus, `source` switchboard and `detail-type` the alert's
 * type, so the stack's rule queues them for the delivery Lambda. Entries that fail (a whole
 * call failing, or the entries PutEvents reports failed) are sent again with backoff; what
 * still fails is logged whole and returned, so the caller can undo its claim on the crossing.
 */
export class EventBridgeAlertPublisher implements AlertPublisher {
  constructor(
    private readonly putEvents: PutEvents,
    private readonly busName: string,
    private readonly options: EventBridgePublisherOptions,
  ) {}

  async publish(events: readonly AlertEvent[]): Promise<AlertEvent[]> {
    let pending = [...events];
    let reason = '';
    for (let attempt = 0; attempt < this.options.attempts && pending.length > 0; attempt++) {
      if (attempt > 0) await this.options.sleep(this.options.baseDelayMs * 2 ** (attempt - 1));
      const failed: AlertEvent[] = [];
      for (let start = 0; start < pending.length; start += maxEntriesPerCall) {
        const chunk = pending.slice(start, start + maxEntriesPerCall);
        try {
          const results = await this.putEvents(chunk.map((event) => this.entryOf(event)));
          chunk.forEach((event, index) => {
            const result = results[index];
            if (result?.EventId) return;
            failed.push(event);
            reason = `${result?.ErrorCode ?? 'no result'}: ${result?.ErrorMessage ?? ''}`;
          });
        } catch (error) {
          failed.push(...chunk);
          reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        }
      }
      pending = failed;
    }
    for (const event of pending) {
      this.options.log(JSON.stringify({ level: 'error', msg: 'alert event could not be published', reason, bus: this.busName, event }));
    }
    return pending;
  }

  async flush(): Promise<void> {}

  private entryOf(event: AlertEvent): PutEventsRequestEntry {
    return { EventBusName: this.busName, Source: alertEventSource, DetailType: event.payload.type, Detail: JSON.stringify(event) };
  }
}
