import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RecordedSettlement } from '../../ports/usage-folder.js';
import { usageTableSchema } from './table-names.js';
import { unfoldedAttribute, unfoldedExpiry, unfoldedOf } from './unfolded-usage.js';

const { timeToLiveAttribute: ttl } = usageTableSchema;

/**
 * The recorded settlements the usage fold has not counted, recorded before `before` (epoch ms):
 * what is left when the fold gave a batch up (its stream keeps records 24 hours). A scan of the
 * whole table, page by page, for a rare recovery; the fold counts each request once however
 * often it is given it, so a request the live fold counts meanwhile is not counted twice.
 */
export async function* unfoldedSettlements(client: DynamoDBClient, tableName: string, before: number): AsyncIterable<RecordedSettlement> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'attribute_exists(#usage) AND attribute_not_exists(settled) AND #ttl < :expiresBefore',
        ExpressionAttributeNames: { '#usage': unfoldedAttribute, '#ttl': ttl },
        ExpressionAttributeValues: { ':expiresBefore': { N: String(unfoldedExpiry(before)) } },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) yield unfoldedOf(item);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
