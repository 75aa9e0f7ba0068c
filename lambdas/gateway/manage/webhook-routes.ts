import { randomBytes } from 'node:crypto';
import { testPayload } from '../../core/alerts/alert-payload.js';
import { createWebhookRequestSchema, maxWebhooks, newWebhookId, newWebhookSecret, type DeliveryStatus, type WebhookRecord } from '../../core/alerts/webhook-config.js';
import { GatewayError } from '../../core/errors.js';
import { WebhookTransportError } from '../../ports/webhook-transport.js';
import { jsonResponse } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authorizeManagement, pathId } from './management-request.js';

const maxWebhookIdLength = 64;

/**
 * Webhooks alerts are delivered to: `/v1/manage/webhook[/<id>[/test|/replay]]`, documented in
 * the README. A webhook's signing secret is shown once, in the answer that created it.
 */
export const webhookRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/webhook': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      const [webhooks, deliveries] = await Promise.all([deps.alerts.webhooks.list(), deps.alerts.webhooks.latestDeliveries()]);
      return jsonResponse(200, { data: webhooks.map((webhook) => publicWebhook(webhook, deliveries.get(webhook.id))) });
    },
    POST: async (request, deps) => {
      await authorizeManagement(request, deps);
      const body = parseBody(request.body, createWebhookRequestSchema);
      if ((await deps.alerts.webhooks.list()).length >= maxWebhooks) {
        throw new GatewayError(409, 'too_many_webhooks', `An organisation has at most ${maxWebhooks} webhooks; delete one first.`);
      }
      await deps.alerts.checkUrl(body.url).catch((error: unknown) => {
        if (!(error instanceof WebhookTransportError)) throw error;
        throw new GatewayError(400, 'invalid_request', `Invalid value for url: ${error.message}`, { param: 'url', type: 'invalid_request_error' });
      });
      const id = newWebhookId();
      const secret = newWebhookSecret();
      const webhook: WebhookRecord = {
        id,
        url: body.url,
        type: body.type,
        description: body.description ?? '',
        sealedSecret: await deps.alerts.secrets.seal(secret, id),
        createdAt: Date.now(),
      };
      await deps.alerts.webhooks.create(webhook);
      return jsonResponse(201, { ...publicWebhook(webhook, undefined), secret });
    },
  },
  '/v1/manage/webhook/:id': {
    DELETE: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      if (!(await deps.alerts.webhooks.delete(pathId(id, maxWebhookIdLength, notFound)))) throw notFound(id);
      return jsonResponse(200, { id, deleted: true });
    },
  },
  '/v1/manage/webhook/:id/test': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const webhook = await existing(deps, id);
      const event = { id: `evt_test_${randomBytes(12).toString('hex')}`, occurred_at: new Date().toISOString(), payload: testPayload(webhook.id), webhook_id: webhook.id };
      const status = await deps.alerts.deliverer.tryOnce(webhook, event);
      return jsonResponse(200, { webhook_id: webhook.id, ...publicDelivery(status) });
    },
  },
  '/v1/manage/webhook/:id/replay': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const webhook = await existing(deps, id);
      let replayed = 0;
      let failed = 0;
      for await (const waiting of deps.alerts.deadLetters.waiting(webhook.id)) {
        // A letter leaves the dead letters only once it is on its way again.
        if ((await deps.alerts.publisher.publish([waiting.event])).length > 0) failed++;
        else {
          await waiting.remove();
          replayed++;
        }
      }
      return jsonResponse(200, { webhook_id: webhook.id, replayed, failed });
    },
  },
};

function publicWebhook(webhook: WebhookRecord, latest: DeliveryStatus | undefined) {
  return {
    id: webhook.id,
    url: webhook.url,
    type: webhook.type,
    description: webhook.description,
    created_at: new Date(webhook.createdAt).toISOString(),
    last_delivery: latest ? publicDelivery(latest) : null,
  };
}

function publicDelivery(status: DeliveryStatus) {
  return {
    delivery_id: status.deliveryId,
    event_type: status.eventType,
    status: status.outcome,
    attempts: status.attempts,
    response_status: status.responseStatus ?? null,
    error: status.error ?? null,
    region: status.region,
    at: new Date(status.at).toISOString(),
  };
}

async function existing(deps: ManagementDeps, id: string): Promise<WebhookRecord> {
  const webhook = await deps.alerts.webhooks.get(pathId(id, maxWebhookIdLength, notFound));
  if (!webhook) throw notFound(id);
  return webhook;
}

function notFound(id: string): GatewayError {
  return new GatewayError(404, 'webhook_not_found', `No webhook with id "${id}".`, { param: 'id' });
}
