import { deliveryId, type AlertEvent } from '../../core/alerts/alert-event.js';
import type { AlertPayload } from '../../core/alerts/alert-payload.js';
import { deliverWithRetries, type AttemptResult, type DeliveryOutcome, type RetryPolicy } from '../../core/alerts/deliver-with-retries.js';
import { slackMessage } from '../../core/alerts/slack-message.js';
import type { DeliveryStatus, WebhookRecord } from '../../core/alerts/webhook-config.js';
import { signedHeaders } from '../../core/alerts/webhook-signature.js';
import type { AlertDeadLetters } from '../../ports/alert-dead-letters.js';
import type { Clock } from '../../ports/clock.js';
import type { SecretBox } from '../../ports/secret-box.js';
import { WebhookTransportError, type WebhookTransport } from '../../ports/webhook-transport.js';
import type { WebhookStore } from '../../ports/webhook-store.js';

export interface WebhookDelivererDeps {
  webhooks: Pick<WebhookStore, 'list' | 'get' | 'recordDelivery'>;
  secrets: SecretBox;
  transport: WebhookTransport;
  deadLetters: AlertDeadLetters;
  retry: RetryPolicy;
  /** Per attempt: Requesty's dispatcher gives each 15 s. */
  timeoutMs: number;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  region: string;
  log: (line: string) => void;
}

/**
 * Delivers alert events to webhooks: the same code in the delivery Lambda (from the SQS queue)
 * and in process locally. Each webhook gets the event signed (see signedHeaders), with up to
 * `retry.retries` retries and exponential backoff; its outcome becomes the webhook's latest
 * delivery status; what still fails goes to the dead letters, for replay.
 */
export class WebhookDeliverer {
  constructor(private readonly deps: WebhookDelivererDeps) {}

  /**
   * Delivers to the event's webhook, or to every webhook. Resolves once each delivery was made
   * or dead-lettered; rejects only when a dead letter could not be stored (the event must then
   * come again: deliveries made carry the same delivery id, so receivers can drop repeats).
   */
  async deliver(event: AlertEvent): Promise<void> {
    const targets = event.webhook_id === undefined ? await this.deps.webhooks.list() : [await this.deps.webhooks.get(event.webhook_id)];
    const results = await Promise.allSettled(
      targets.map((webhook) => {
        if (webhook) return this.deliverTo(webhook, event);
        this.deps.log(JSON.stringify({ level: 'warn', msg: 'alert event dropped: its webhook was deleted', webhook: event.webhook_id, event: event.id }));
        return Promise.resolve();
      }),
    );
    const lost = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (lost.length > 0) throw new AggregateError(lost, `${lost.length} failed deliveries of event ${event.id} could not be dead-lettered: ${String(lost[0])}`);
  }

  /** One attempt, no retry and no dead letter (`POST /v1/manage/webhook/{id}/test`); recorded as the webhook's latest delivery. */
  async tryOnce(webhook: WebhookRecord, event: AlertEvent): Promise<DeliveryStatus> {
    const outcome = await this.attempts(webhook, event, { ...this.deps.retry, retries: 0 });
    return this.recorded(webhook, event, outcome);
  }

  private async deliverTo(webhook: WebhookRecord, event: AlertEvent): Promise<void> {
    const outcome = await this.attempts(webhook, event, this.deps.retry);
    const status = await this.recorded(webhook, event, outcome);
    if (status.outcome === 'delivered') return;
    await this.deps.deadLetters.put({ event: { ...event, webhook_id: webhook.id }, reason: status.error ?? 'failed', attempts: outcome.attempts, at: status.at });
    this.deps.log(
      JSON.stringify({ level: 'error', msg: 'alert delivery failed; dead-lettered for replay', webhook: webhook.id, delivery: status.deliveryId, attempts: outcome.attempts, error: status.error, deadLetters: this.deps.deadLetters.description }),
    );
  }

  private async attempts(webhook: WebhookRecord, event: AlertEvent, retry: RetryPolicy): Promise<DeliveryOutcome> {
    let secret: string;
    try {
      secret = await this.deps.secrets.open(webhook.sealedSecret, webhook.id);
    } catch (error) {
      return { attempts: 1, last: { delivered: false, error: error instanceof Error ? error.message : String(error), retryable: false } };
    }
    const body = bodyFor(webhook, event.payload);
    const id = deliveryId(event.id, webhook.id);
    return deliverWithRetries(() => this.attempt(webhook.url, secret, body, id), retry, this.deps.sleep);
  }

  private async attempt(url: string, secret: string, body: string, id: string): Promise<AttemptResult> {
    try {
      const headers = signedHeaders(secret, body, id, this.deps.clock.now());
      const { status } = await this.deps.transport({ url, headers, body, timeoutMs: this.deps.timeoutMs });
      if (status >= 200 && status < 300) return { delivered: true, status };
      return { delivered: false, status, error: `The receiver answered HTTP ${status}.`, retryable: true };
    } catch (error) {
      // A refused address stays refused; anything else (a timeout, a reset) may pass.
      const retryable = !(error instanceof WebhookTransportError && error.kind === 'refused-address');
      return { delivered: false, error: error instanceof Error ? error.message : String(error), retryable };
    }
  }

  private async recorded(webhook: WebhookRecord, event: AlertEvent, { attempts, last }: DeliveryOutcome): Promise<DeliveryStatus> {
    const status: DeliveryStatus = {
      deliveryId: deliveryId(event.id, webhook.id),
      eventType: event.payload.type,
      at: this.deps.clock.now(),
      outcome: last.delivered ? 'delivered' : 'failed',
      attempts,
      ...(last.status === undefined ? {} : { responseStatus: last.status }),
      ...(last.delivered ? {} : { error: last.error }),
      region: this.deps.region,
    };
    // The status is for people to look at: failing to record it must not fail the delivery.
    await this.deps.webhooks.recordDelivery(webhook.id, status).catch((error: unknown) => {
      this.deps.log(JSON.stringify({ level: 'warn', msg: 'webhook delivery status not recorded', webhook: webhook.id, error: String(error) }));
    });
    return status;
  }
}

/** JSON webhooks get the payload; Slack ones a message with the same facts. */
function bodyFor(webhook: WebhookRecord, payload: AlertPayload): string {
  return JSON.stringify(webhook.type === 'slack' ? slackMessage(payload) : payload);
}
