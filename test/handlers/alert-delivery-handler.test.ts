import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsAlertDeadLetters } from '../../lambdas/adapters/dead-letters/sqs-alert-dead-letters.js';
import { AesGcmSecretBox } from '../../lambdas/adapters/secrets/aes-gcm-secret-box.js';
import { sqsSdkCall } from '../../lambdas/adapters/sqs/sqs-sdk-call.js';
import { guardedWebhookTransport } from '../../lambdas/adapters/webhooks/guarded-webhook-transport.js';
import { deliveryId, type AlertEvent } from '../../lambdas/core/alerts/alert-event.js';
import { testPayload } from '../../lambdas/core/alerts/alert-payload.js';
import type { DeliveryStatus, WebhookRecord } from '../../lambdas/core/alerts/webhook-config.js';
import { verifyWebhookSignature } from '../../lambdas/core/alerts/webhook-signature.js';
import { WebhookDeliverer } from '../../lambdas/gateway/alerts/webhook-deliverer.js';
import { createAlertDeliveryHandler } from '../../lambdas/handlers/alert-delivery-handler.js';
import { MockSqs } from '../support/mock-sqs.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const receiver = new WebhookReceiver();
const sqs = new MockSqs('alert-dead-letters');
const secrets = new AesGcmSecretBox(async () => 'a test key of at least thirty-two characters');
const webhooks = new Map<string, WebhookRecord>();
const statuses = new Map<string, DeliveryStatus>();
let base = '';

function deliverer(queueUrl: string) {
  const call = sqsSdkCall(new SQSClient({ region: 'us-east-1', endpoint: new URL(sqs.queueUrl).origin, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 }));
  return new WebhookDeliverer({
    webhooks: { list: async () => [...webhooks.values()], get: async (id) => webhooks.get(id), recordDelivery: async (id, status) => void statuses.set(id, status) },
    secrets,
    transport: guardedWebhookTransport({ allowLoopback: true }),
    deadLetters: new SqsAlertDeadLetters(call, queueUrl),
    retry: { retries: 3, baseDelayMs: 5 },
    timeoutMs: 5_000,
    clock: { now: () => Date.now() },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    region: 'us-east-1',
    log: () => undefined,
  });
}

async function addWebhook(id: string, path: string, type: WebhookRecord['type'] = 'json'): Promise<string> {
  const secret = `whsec_${id}`;
  webhooks.set(id, { id, url: `${base}${path}`, type, description: '', sealedSecret: await secrets.seal(secret, id), createdAt: 1 });
  return secret;
}

const event = (id: string, webhookId?: string): AlertEvent => ({ id, occurred_at: '2026-11-05T10:00:00.000Z', payload: testPayload('whk'), ...(webhookId ? { webhook_id: webhookId } : {}) });
/** What the queue holds: the EventBridge envelope (from the rule) or a replayed message. */
const record = (messageId: string, body: unknown) => ({ messageId, body: typeof body === 'string' ? body : JSON.stringify({ version: '0', source: 'switchboard', detail: body }) });
const invoke = (handler: ReturnType<typeof createAlertDeliveryHandler>, records: { messageId: string; body: string }[]) =>
  handler({ Records: records } as unknown as SQSEvent, {} as Context);

beforeAll(async () => {
  base = await receiver.start();
  await sqs.start();
  receiver.answer = (path, before) => (path === '/down' ? 503 : path === '/flaky' && before < 2 ? 500 : 200);
});
afterAll(async () => {
  await receiver.stop();
  await sqs.stop();
});

describe('the alert delivery Lambda', () => {
  it('delivers each message of a batch to its webhooks, signed, retrying with one delivery id, and reports only what it could not handle', async () => {
    const okSecret = await addWebhook('whk_ok', '/ok');
    await addWebhook('whk_flaky', '/flaky');
    await addWebhook('whk_down', '/down');
    const handler = createAlertDeliveryHandler(async () => deliverer(sqs.queueUrl));
    const reply = await invoke(handler, [record('m-fanout', event('evt_1')), record('m-garbage', 'not json'), record('m-one', event('evt_2', 'whk_ok'))]);
    expect(reply).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-garbage' }] });

    const [first] = receiver.on('/ok');
    expect(first?.headers['x-switchboard-delivery']).toBe(deliveryId('evt_1', 'whk_ok'));
    expect(verifyWebhookSignature(okSecret, { signature: String(first?.headers['x-switchboard-signature']), timestamp: String(first?.headers['x-switchboard-timestamp']) }, first?.body ?? '', { nowMs: Date.now() })).toBe(true);
    expect(receiver.on('/ok')).toHaveLength(2);
    // Failed twice, delivered on the third try, always as the same delivery.
    expect(receiver.on('/flaky').map((entry) => entry.headers['x-switchboard-delivery'])).toEqual(Array(3).fill(deliveryId('evt_1', 'whk_flaky')));
    expect(statuses.get('whk_flaky')).toMatchObject({ outcome: 'delivered', attempts: 3, responseStatus: 200 });
    // Down: 1 try + 3 retries, then the dead-letter queue, for that webhook only.
    expect(receiver.on('/down')).toHaveLength(4);
    expect(statuses.get('whk_down')).toMatchObject({ outcome: 'failed', attempts: 4, responseStatus: 503, error: 'The receiver answered HTTP 503.' });
    expect(sqs.messages.map((message) => JSON.parse(message.body) as { detail: AlertEvent })).toEqual([
      { detail: { ...event('evt_1'), webhook_id: 'whk_down' }, dead_letter: { reason: 'The receiver answered HTTP 503.', attempts: 4, at: expect.any(Number) } },
    ]);
  });

  it('reports a message whose failed delivery could not be dead-lettered, so SQS gives it back', async () => {
    webhooks.clear();
    await addWebhook('whk_down', '/down');
    const handler = createAlertDeliveryHandler(async () => deliverer(`${sqs.queueUrl}-missing`));
    expect(await invoke(handler, [record('m-lost', event('evt_3'))])).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-lost' }] });
  });

  it('drops an event for a webhook deleted since, and sends Slack webhooks a message', async () => {
    webhooks.clear();
    await addWebhook('whk_slack', '/slack', 'slack');
    const handler = createAlertDeliveryHandler(async () => deliverer(sqs.queueUrl));
    expect(await invoke(handler, [record('m-gone', event('evt_4', 'whk_deleted')), record('m-slack', event('evt_5'))])).toEqual({ batchItemFailures: [] });
    expect(JSON.parse(receiver.on('/slack')[0]?.body ?? '{}')).toEqual({ text: expect.stringMatching(/^Switchboard test — /) });
  });
});
