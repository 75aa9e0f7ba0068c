import type { AlertDeadLetters } from '../../ports/alert-dead-letters.js';
import type { AlertMarkers } from '../../ports/alert-markers.js';
import type { AlertPublisher } from '../../ports/alert-publisher.js';
import type { AlertRuleStore } from '../../ports/alert-rule-store.js';
import type { SecretBox } from '../../ports/secret-box.js';
import type { WebhookStore } from '../../ports/webhook-store.js';
import type { WebhookDeliverer } from './webhook-deliverer.js';

/** What the management API's webhook and alert routes need. */
export interface AlertManagement {
  webhooks: WebhookStore;
  rules: AlertRuleStore;
  markers: AlertMarkers;
  secrets: SecretBox;
  /** The SSRF check of a webhook URL when it is saved: rejects (a WebhookTransportError) with the reason. */
  checkUrl: (url: string) => Promise<void>;
  deliverer: Pick<WebhookDeliverer, 'tryOnce'>;
  deadLetters: AlertDeadLetters;
  /** Where replayed dead letters go: the same way as new alert events. */
  publisher: AlertPublisher;
}
