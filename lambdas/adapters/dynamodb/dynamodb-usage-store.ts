import {
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Reservation, UsageStore } from '../../ports/usage-store.js';
import { usageTableSchema } from './table-names.js';

type Item = Record<string, AttributeValue>;
const { partitionKey: pk, sortKey: sk, timeToLiveAttribute: ttl } = usageTableSchema;
const keepAfterPeriodSeconds = 400 * 86_400;

/**
 * Usage on DynamoDB: per key, one totals item per period (`<period>`) and one item per open
 * reservation (`<period>#res#<request>`) and per settled request (`<period>#done#<request>`).
 * DynamoDB cannot add in a condition, so the caller passes `limit - amount` and the condition
 * compares `committed` with it: the reservation and the check are one atomic write.
 */
export class DynamoDbUsageStore implements UsageStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async reserve(reservation: Reservation, limit: number, expiresAt: number): Promise<boolean> {
    if (reservation.amount > limit) return false;
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: totalsKey(reservation.keyId, reservation.period),
                UpdateExpression: 'ADD committed :amount SET #ttl = if_not_exists(#ttl, :ttl)',
                ConditionExpression: 'attribute_not_exists(committed) OR committed <= :room',
                ExpressionAttributeNames: { '#ttl': ttl },
                ExpressionAttributeValues: {
                  ':amount': number(reservation.amount),
                  ':room': number(limit - reservation.amount),
                  ':ttl': number(ttlFor(reservation.period)),
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...itemKey(reservation.keyId, `${reservation.period}#res#${reservation.requestId}`),
                  amount: number(reservation.amount),
                  expires_ms: number(expiresAt),
                  [ttl]: number(ttlFor(reservation.period)),
                },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async settle(reservation: Reservation, actual: number): Promise<void> {
    const done = {
      Put: {
        TableName: this.tableName,
        Item: { ...itemKey(reservation.keyId, `${reservation.period}#done#${reservation.requestId}`), cost: number(actual), [ttl]: number(ttlFor(reservation.period)) },
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': sk },
      },
    };
    const totals = (committedDelta: number) => ({
      Update: {
        TableName: this.tableName,
        Key: totalsKey(reservation.keyId, reservation.period),
        UpdateExpression: 'ADD committed :delta, spent :actual',
        ExpressionAttributeValues: { ':delta': number(committedDelta), ':actual': number(actual) },
      },
    });
    try {
      // The usual case: the reservation is still there; replace it by the actual cost.
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            done,
            {
              Delete: {
                TableName: this.tableName,
                Key: itemKey(reservation.keyId, `${reservation.period}#res#${reservation.requestId}`),
                ConditionExpression: 'attribute_exists(#sk)',
                ExpressionAttributeNames: { '#sk': sk },
              },
            },
            totals(actual - reservation.amount),
          ],
        }),
      );
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : undefined;
      if (!reasons) throw error;
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return; // settled before
      // The reservation was released as expired meanwhile: add the actual cost on its own.
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: [done, totals(actual)] }));
      } catch (retryError) {
        if (!(retryError instanceof TransactionCanceledException)) throw retryError;
      }
    }
  }

  async releaseExpired(keyId: string, period: string, now: number): Promise<number> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        FilterExpression: 'expires_ms < :now',
        ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
        ExpressionAttributeValues: { ':pk': { S: `key#${keyId}` }, ':prefix': { S: `${period}#res#` }, ':now': number(now) },
      }),
    );
    let released = 0;
    for (const item of Items ?? []) {
      const amount = Number(item.amount?.N ?? 0);
      try {
        await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: this.tableName,
                  Key: { [pk]: item[pk] as AttributeValue, [sk]: item[sk] as AttributeValue },
                  ConditionExpression: 'attribute_exists(#sk)',
                  ExpressionAttributeNames: { '#sk': sk },
                },
              },
              {
                Update: {
                  TableName: this.tableName,
                  Key: totalsKey(keyId, period),
                  UpdateExpression: 'ADD committed :release',
                  ExpressionAttributeValues: { ':release': number(-amount) },
                },
              },
            ],
          }),
        );
        released++;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error; // settled or released meanwhile
      }
    }
    return released;
  }

  async periodTotals(keyId: string, period: string): Promise<{ spent: number; committed: number }> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: totalsKey(keyId, period), ConsistentRead: true }));
    return { spent: Number(Item?.spent?.N ?? 0), committed: Number(Item?.committed?.N ?? 0) };
  }
}

function itemKey(keyId: string, sortKey: string): Item {
  return { [pk]: { S: `key#${keyId}` }, [sk]: { S: sortKey } };
}

function totalsKey(keyId: string, period: string): Item {
  return itemKey(keyId, period);
}

function number(value: number): AttributeValue {
  return { N: String(value) };
}

/** Epoch seconds when a period's items may go: well after the period, for the usage history. */
function ttlFor(period: string): number {
  const [year, month] = period.split('-').map(Number);
  return Math.floor(Date.UTC(year ?? 1970, month ?? 1, 1) / 1000) + keepAfterPeriodSeconds;
}
