import { z } from 'zod';
import { alertEventSchema, type AlertEvent } from '../../core/alerts/alert-event.js';
import type { AlertDeadLetter } from '../../ports/alert-dead-letters.js';

/**
 * A dead letter as a message: the event as `detail`, like the EventBridge events in the same
 * dead-letter queue (those the rule could not queue, or the deliverer never took), so every
 * message there reads the same way; why it failed under `dead_letter`.
 */
const letterSchema = z.object({
  detail: alertEventSchema.extend({ webhook_id: z.string() }),
  dead_letter: z.object({ reason: z.string(), attempts: z.number(), at: z.number() }),
});

export function encodeAlertLetter(letter: AlertDeadLetter): string {
  return JSON.stringify({ detail: letter.event, dead_letter: { reason: letter.reason, attempts: letter.attempts, at: letter.at } });
}

export function decodeAlertLetter(text: string): AlertDeadLetter {
  const { detail, dead_letter } = letterSchema.parse(JSON.parse(text));
  return { event: detail, ...dead_letter };
}

/** The event of any message of the dead-letter queue (a letter or an EventBridge event). */
export function eventOfMessage(text: string): AlertEvent {
  return z.object({ detail: alertEventSchema }).parse(JSON.parse(text)).detail;
}

/** Whether a waiting event is for this webhook: its own, or one no webhook received yet (for every webhook). */
export function waitsFor(event: AlertEvent, webhookId: string): boolean {
  return event.webhook_id === undefined || event.webhook_id === webhookId;
}
