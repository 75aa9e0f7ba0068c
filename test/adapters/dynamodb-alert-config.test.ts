import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAlertRuleStore, DynamoDbWebhookStore } from '../../lambdas/adapters/dynamodb/dynamodb-alert-config.js';
import { DynamoDbDirectoryStore } from '../../lambdas/adapters/dynamodb/dynamodb-directory-store.js';
import type { DeliveryStatus, WebhookRecord } from '../../lambdas/core/alerts/webhook-config.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';

const client = testDynamoDbClient();
const table = `alert-config-${Date.now()}`;
const webhooks = new DynamoDbWebhookStore(client, table);
const rules = new DynamoDbAlertRuleStore(client, table);

beforeAll(() => ensureTables(client, { keys: `${table}-keys`, policies: `${table}-policies`, usage: `${table}-usage`, directory: table }));

const webhook = (id: string): WebhookRecord => ({ id, url: `https://hooks.example.com/${id}`, type: 'json', description: '', sealedSecret: 'v1.a.b.c', createdAt: 1 });
const status = (at: number, outcome: DeliveryStatus['outcome']): DeliveryStatus => ({ deliveryId: `dlv_${at}`, eventType: 'webhook.test', at, outcome, attempts: 1, region: 'us-east-1' });

describe('alert configuration in the directory table, on DynamoDB Local', () => {
  it('keeps webhooks beside the organisation and its groups, each listed, read and deleted once', async () => {
    await new DynamoDbDirectoryStore(client, table).createGroup({ id: 'grp_1', name: 'g', description: '', models: [], createdAt: 1 });
    await webhooks.create(webhook('whk_1'));
    await webhooks.create(webhook('whk_2'));
    await expect(webhooks.create(webhook('whk_2'))).rejects.toThrow(/conditional/i);
    expect((await webhooks.list()).map((entry) => entry.id)).toEqual(['whk_1', 'whk_2']);
    expect(await webhooks.get('whk_1')).toEqual(webhook('whk_1'));
    expect(await webhooks.delete('whk_1')).toBe(true);
    expect(await webhooks.delete('whk_1')).toBe(false);
    expect(await webhooks.get('whk_1')).toBeUndefined();
    expect(await new DynamoDbDirectoryStore(client, table).listGroups(10, undefined)).toMatchObject({ groups: [{ id: 'grp_1' }] });
  });

  it("keeps each webhook's latest delivery: an older outcome arriving late never replaces a newer one", async () => {
    await webhooks.create(webhook('whk_3'));
    await webhooks.recordDelivery('whk_3', status(2_000, 'failed'));
    await webhooks.recordDelivery('whk_3', status(1_000, 'delivered'));
    expect((await webhooks.latestDeliveries()).get('whk_3')).toEqual(status(2_000, 'failed'));
    await webhooks.recordDelivery('whk_3', status(3_000, 'delivered'));
    expect((await webhooks.latestDeliveries()).get('whk_3')).toEqual(status(3_000, 'delivered'));
    await webhooks.delete('whk_3');
    expect((await webhooks.latestDeliveries()).has('whk_3')).toBe(false);
  });

  it('keeps alerts, validated on the way out', async () => {
    const rule = { id: 'alr_1', type: 'key.budget.exceeded_percent' as const, threshold: 8_000, keyId: 'key_1', createdAt: 5 };
    await rules.create(rule);
    expect(await rules.list()).toEqual([rule]);
    expect(await rules.delete('alr_1')).toBe(true);
    expect(await rules.delete('alr_1')).toBe(false);
    expect(await rules.list()).toEqual([]);
  });
});
