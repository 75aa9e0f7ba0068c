import type { DeliveryStatus, WebhookRecord } from '../core/alerts/webhook-config.js';

/** The organisation's webhooks, and the latest delivery to each. */
export interface WebhookStore {
  list(): Promise<WebhookRecord[]>;
  get(id: string): Promise<WebhookRecord | undefined>;
  create(webhook: WebhookRecord): Promise<void>;
  /** Removes the webhook and its delivery status; false when there was none. */
  delete(id: string): Promise<boolean>;
  /** Records a delivery's outcome as the webhook's latest (unless a later one is recorded already). */
  recordDelivery(webhookId: string, status: DeliveryStatus): Promise<void>;
  /** Each webhook's latest delivery, by webhook id. */
  latestDeliveries(): Promise<Map<string, DeliveryStatus>>;
}
