import { UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AlertMarker } from '../../core/alerts/crossed-alerts.js';
import type { AlertMarkers } from '../../ports/alert-markers.js';
import { conditionHeld } from './condition-held.js';
import { usageTableSchema } from './table-names.js';

const { partitionKey: pk, sortKey: sk, timeToLiveAttribute: ttl } = usageTableSchema;

/** The partition prefix of markers: the management role may write only these items of the usage table. */
export const alertMarkerPrefix = 'alert#';

/**
 * Markers in the usage table, next to the counters they are about (both regional): partition
 * `alert#<alert id>`, sort key `<period>#<subject>`. A claim is one conditional UpdateItem, so
 * of any number of processes claiming one marker at once exactly one succeeds. A month's marker
 * expires (TTL) after its month; a balance marker holds `armed_limit`, the prepaid limit of the
 * top-up that re-armed it, and is claimable only by a caller that saw that limit or a later one
 * (a process still caching the old limit cannot announce the old crossing again).
 */
export class DynamoDbAlertMarkers implements AlertMarkers {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  claim(marker: AlertMarker, eventId: string, now: number): Promise<boolean> {
    const balance = marker.prepaidLimit !== undefined;
    const values: Record<string, AttributeValue> = { ':now': { N: String(now) }, ':event': { S: eventId } };
    const sets = ['announced_at = :now', 'event_id = :event'];
    if (marker.expiresAt !== undefined) {
      values[':ttl'] = { N: String(Math.ceil(marker.expiresAt / 1000)) };
      sets.push('#ttl = :ttl');
    }
    if (balance) values[':limit'] = { N: String(marker.prepaidLimit) };
    return conditionHeld(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(marker.alertId, marker.period, marker.subject),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: balance
            ? 'attribute_not_exists(announced_at) AND (attribute_not_exists(armed_limit) OR armed_limit <= :limit)'
            : 'attribute_not_exists(announced_at)',
          ...(marker.expiresAt === undefined ? {} : { ExpressionAttributeNames: { '#ttl': ttl } }),
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async release(marker: AlertMarker, eventId: string): Promise<void> {
    await conditionHeld(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(marker.alertId, marker.period, marker.subject),
          UpdateExpression: 'REMOVE announced_at, event_id',
          ConditionExpression: 'event_id = :event',
          ExpressionAttributeValues: { ':event': { S: eventId } },
        }),
      ),
    );
  }

  async rearmBalance(marker: AlertMarker): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: keyOf(marker.alertId, marker.period, marker.subject),
        UpdateExpression: 'SET armed_limit = :limit REMOVE announced_at, event_id',
        ExpressionAttributeValues: { ':limit': { N: String(marker.prepaidLimit ?? 0) } },
      }),
    );
  }
}

function keyOf(alertId: string, period: string, subject: string): Record<string, AttributeValue> {
  return { [pk]: { S: `${alertMarkerPrefix}${alertId}` }, [sk]: { S: `${period}#${subject}` } };
}
