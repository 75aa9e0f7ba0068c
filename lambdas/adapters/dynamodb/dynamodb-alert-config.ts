import { DeleteItemCommand, GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { z } from 'zod';
import { alertRuleSchema, type AlertRule } from '../../core/alerts/alert-rules.js';
import { deliveryStatusSchema, webhookRecordSchema, type DeliveryStatus, type WebhookRecord } from '../../core/alerts/webhook-config.js';
import type { AlertRuleStore } from '../../ports/alert-rule-store.js';
import type { WebhookStore } from '../../ports/webhook-store.js';
import { conditionHeld } from './condition-held.js';
import { docAttributes, parseDoc } from './dynamodb-directory-store.js';
import { queryAll } from './query-all.js';
import { directoryTableSchema } from './table-names.js';

type Item = Record<string, AttributeValue>;
const { partitionKey: pk, sortKey: sk } = directoryTableSchema;

/**
 * Alert configuration in the directory table, beside the organisation and its groups (so the
 * EU stack reads it from its replica): partitions `alerts` (one item per alert), `webhooks`
 * (one per webhook, its secret sealed) and `webhook-deliveries` (each webhook's latest
 * delivery, apart from the webhook so that delivery never races an edit of it). Each listing
 * is one query; both are small (see maxAlerts, maxWebhooks).
 */
export const alertPartitions = { alerts: 'alerts', webhooks: 'webhooks', deliveries: 'webhook-deliveries' } as const;

const key = (partition: string, id: string): Item => ({ [pk]: { S: partition }, [sk]: { S: id } });

abstract class DirectoryPartition {
  constructor(
    protected readonly client: DynamoDBClient,
    protected readonly tableName: string,
  ) {}

  protected async all<T>(partition: string, schema: z.ZodType<T>): Promise<T[]> {
    const found: T[] = [];
    for await (const item of this.items(partition)) found.push(parseDoc(item, schema));
    return found;
  }

  protected items(partition: string): AsyncIterable<Item> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :partition',
      ExpressionAttributeNames: { '#pk': pk },
      ExpressionAttributeValues: { ':partition': { S: partition } },
    });
  }

  protected async one<T>(partition: string, id: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key(partition, id), ConsistentRead: true }));
    return Item ? parseDoc(Item, schema) : undefined;
  }

  protected async insert(partition: string, id: string, doc: unknown): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { ...key(partition, id), ...docAttributes(doc, 0) },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': pk },
      }),
    );
  }

  protected remove(partition: string, id: string): Promise<boolean> {
    return conditionHeld(
      this.client.send(
        new DeleteItemCommand({ TableName: this.tableName, Key: key(partition, id), ConditionExpression: 'attribute_exists(#pk)', ExpressionAttributeNames: { '#pk': pk } }),
      ),
    );
  }
}

export class DynamoDbAlertRuleStore extends DirectoryPartition implements AlertRuleStore {
  list(): Promise<AlertRule[]> {
    return this.all(alertPartitions.alerts, alertRuleSchema);
  }

  create(rule: AlertRule): Promise<void> {
    return this.insert(alertPartitions.alerts, rule.id, rule);
  }

  delete(id: string): Promise<boolean> {
    return this.remove(alertPartitions.alerts, id);
  }
}

export class DynamoDbWebhookStore extends DirectoryPartition implements WebhookStore {
  list(): Promise<WebhookRecord[]> {
    return this.all(alertPartitions.webhooks, webhookRecordSchema);
  }

  get(id: string): Promise<WebhookRecord | undefined> {
    return this.one(alertPartitions.webhooks, id, webhookRecordSchema);
  }

  create(webhook: WebhookRecord): Promise<void> {
    return this.insert(alertPartitions.webhooks, webhook.id, webhook);
  }

  async delete(id: string): Promise<boolean> {
    const removed = await this.remove(alertPartitions.webhooks, id);
    await this.remove(alertPartitions.deliveries, id);
    return removed;
  }

  async recordDelivery(webhookId: string, status: DeliveryStatus): Promise<void> {
    // Deliveries of one webhook run concurrently (and in several regions): an older outcome never replaces a newer one.
    await conditionHeld(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...key(alertPartitions.deliveries, webhookId), ...docAttributes(status, 0), at: { N: String(status.at) } },
          ConditionExpression: 'attribute_not_exists(#pk) OR #at <= :at',
          ExpressionAttributeNames: { '#pk': pk, '#at': 'at' },
          ExpressionAttributeValues: { ':at': { N: String(status.at) } },
        }),
      ),
    );
  }

  async latestDeliveries(): Promise<Map<string, DeliveryStatus>> {
    const found = new Map<string, DeliveryStatus>();
    for await (const item of this.items(alertPartitions.deliveries)) found.set(item[sk]?.S ?? '', parseDoc(item, deliveryStatusSchema));
    return found;
  }
}
