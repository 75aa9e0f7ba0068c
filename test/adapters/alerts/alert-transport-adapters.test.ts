import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlAlertDeadLetters } from '../../../lambdas/adapters/dead-letters/jsonl-alert-dead-letters.js';
import { SqsAlertDeadLetters } from '../../../lambdas/adapters/dead-letters/sqs-alert-dead-letters.js';
import { EventBridgeAlertPublisher, eventBridgePutEvents } from '../../../lambdas/adapters/eventbridge/eventbridge-alert-publisher.js';
import { AesGcmSecretBox } from '../../../lambdas/adapters/secrets/aes-gcm-secret-box.js';
import { localKeyFile } from '../../../lambdas/adapters/secrets/local-key-file.js';
import { sqsSdkCall } from '../../../lambdas/adapters/sqs/sqs-sdk-call.js';
import type { AlertEvent } from '../../../lambdas/core/alerts/alert-event.js';
import { testPayload } from '../../../lambdas/core/alerts/alert-payload.js';
import type { AlertDeadLetters } from '../../../lambdas/ports/alert-dead-letters.js';
import { MockEventBridge } from '../../support/mock-eventbridge.js';
import { MockSqs } from '../../support/mock-sqs.js';

const credentials = async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' });
const eventBridge = new MockEventBridge();
const sqs = new MockSqs('alert-dead-letters');
const logged: string[] = [];
let publisher: EventBridgeAlertPublisher;
let sqsLetters: SqsAlertDeadLetters;

beforeAll(async () => {
  const bridge = new EventBridgeClient({ region: 'eu-central-1', credentials, endpoint: await eventBridge.start(), maxAttempts: 1 });
  publisher = new EventBridgeAlertPublisher(eventBridgePutEvents(bridge), 'switchboard-alerts', { attempts: 3, baseDelayMs: 1, sleep: async () => undefined, log: (line) => logged.push(line) });
  await sqs.start();
  sqsLetters = new SqsAlertDeadLetters(sqsSdkCall(new SQSClient({ region: 'eu-central-1', credentials, endpoint: new URL(sqs.queueUrl).origin, maxAttempts: 1 })), sqs.queueUrl);
});
afterAll(async () => {
  await eventBridge.stop();
  await sqs.stop();
});

const event = (id: string, webhookId?: string): AlertEvent => ({
  id,
  occurred_at: '2026-11-05T10:00:00.000Z',
  payload: testPayload('whk_1'),
  ...(webhookId ? { webhook_id: webhookId } : {}),
});

describe('the EventBridge publisher, over PutEvents', () => {
  it('puts each event on the bus with the source the rule matches and the alert type as detail-type', async () => {
    expect(await publisher.publish([event('evt_1')])).toEqual([]);
    expect(eventBridge.accepted.at(-1)).toEqual({ EventBusName: 'switchboard-alerts', Source: 'switchboard', DetailType: 'webhook.test', Detail: JSON.stringify(event('evt_1')) });
  });

  it('sends again the entries PutEvents failed, and calls that failed whole, ten entries a call', async () => {
    eventBridge.accepted.splice(0);
    eventBridge.failNext({ entries: 3 }, { entries: 0, whole: true });
    const events = Array.from({ length: 12 }, (_, index) => event(`evt_b${index}`));
    expect(await publisher.publish(events)).toEqual([]);
    expect(eventBridge.accepted.map((entry) => JSON.parse(entry.Detail).id).sort()).toEqual(events.map((entry) => entry.id).sort());
    // 3 entries of the first call failed, the second call failed whole: those 5 went again together.
    expect(eventBridge.requests.slice(-3).map((request) => (request.body.Entries as unknown[]).length)).toEqual([10, 2, 5]);
  });

  it('returns, and logs whole, what still fails after its attempts', async () => {
    eventBridge.failNext({ entries: 1 }, { entries: 1 }, { entries: 1 });
    expect((await publisher.publish([event('evt_lost')])).map((entry) => entry.id)).toEqual(['evt_lost']);
    expect(logged.at(-1)).toContain('"id":"evt_lost"');
  });
});

describe.each([
  ['an SQS queue', () => sqsLetters],
  ['a JSON-lines file', () => new JsonlAlertDeadLetters(join(mkdtempSync(join(tmpdir(), 'alert-letters-')), 'dead-letters', 'alerts.jsonl'))],
])('alert dead letters in %s', (_, make: () => AlertDeadLetters) => {
  it("hand a replay its webhook's letters (and those for every webhook), and keep the rest", async () => {
    sqs.messages.splice(0);
    const letters = make();
    const letter = (id: string, webhookId: string) => ({ event: { ...event(id), webhook_id: webhookId }, reason: 'HTTP 503', attempts: 4, at: 1 });
    await letters.put(letter('evt_a', 'whk_a'));
    await letters.put(letter('evt_b', 'whk_b'));
    await letters.put(letter('evt_a2', 'whk_a'));
    if (letters === sqsLetters) {
      // What EventBridge puts in the queue itself: an event envelope, for every webhook.
      await sqsSdkCall(new SQSClient({ region: 'eu-central-1', credentials, endpoint: new URL(sqs.queueUrl).origin }))('SendMessage', sqs.queueUrl, {
        MessageBody: JSON.stringify({ version: '0', source: 'switchboard', 'detail-type': 'webhook.test', detail: event('evt_all') }),
      });
    }
    const seen: string[] = [];
    for await (const waiting of letters.waiting('whk_a')) {
      seen.push(waiting.event.id);
      if (waiting.event.id !== 'evt_a2') await waiting.remove();
    }
    expect(seen).toEqual(letters === sqsLetters ? ['evt_a', 'evt_a2', 'evt_all'] : ['evt_a', 'evt_a2']);
    const left: string[] = [];
    for await (const waiting of letters.waiting('whk_b')) left.push(waiting.event.id);
    expect(left).toEqual(['evt_b']);
    const again: string[] = [];
    for await (const waiting of letters.waiting('whk_a')) again.push(`${waiting.event.id}:${waiting.event.webhook_id}`);
    expect(again).toEqual(['evt_a2:whk_a']);
  });
});

describe('sealed webhook secrets', () => {
  it('open only with the same key and for the record they were sealed for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-key-'));
    const box = new AesGcmSecretBox(localKeyFile(join(dir, 'webhook-key')));
    const sealed = await box.seal('whsec_abc', 'whk_1');
    expect(sealed).not.toContain('whsec_abc');
    expect(await box.open(sealed, 'whk_1')).toBe('whsec_abc');
    // The key file is made once and reused.
    expect(await new AesGcmSecretBox(localKeyFile(join(dir, 'webhook-key'))).open(sealed, 'whk_1')).toBe('whsec_abc');
    await expect(box.open(sealed, 'whk_2')).rejects.toThrow(/does not open/);
    await expect(new AesGcmSecretBox(async () => 'another key of at least thirty-two characters').open(sealed, 'whk_1')).rejects.toThrow(/does not open/);
  });
});
