import { createHash } from 'node:crypto';
import { z } from 'zod';
import { alertPayloadSchema } from './alert-payload.js';
import type { AlertMarker } from './crossed-alerts.js';

/** The `source` of every event Switchboard puts on its alert bus (the stack's rule matches it). */
export const alertEventSource = 'switchboard';

/**
 * What travels from the router to the deliverer (as the `detail` of an EventBridge event, in
 * the SQS queue, in the dead letters): one announcement, for every webhook, or, once
 * `webhook_id` is set (a dead letter, a replay), for that webhook only.
 */
export const alertEventSchema = z.object({
  /** Stable per crossing: the same announcement always has the same id. */
  id: z.string().min(1).max(64),
  occurred_at: z.string(),
  payload: alertPayloadSchema,
  webhook_id: z.string().min(1).max(64).optional(),
});

export type AlertEvent = z.infer<typeof alertEventSchema>;

/**
 * The id of a crossing's announcement, from its marker: a publish retried after an ambiguous
 * failure, or replayed, carries the same id. A balance alert re-armed by a top-up announces a
 * new crossing, under a new prepaid limit, with a new id.
 */
export function alertEventId(marker: AlertMarker): string {
  return `evt_${digest([marker.alertId, marker.subject, marker.period, String(marker.prepaidLimit ?? '')])}`;
}

/** `x-switchboard-delivery`: one announcement to one webhook, the same on every attempt and replay. */
export function deliveryId(eventId: string, webhookId: string): string {
  return `dlv_${digest([eventId, webhookId])}`;
}

function digest(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}
