import type { PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import type { RecordedSettlement } from '../../ports/usage-folder.js';
import type { Settlement } from '../../ports/usage-store.js';
import { settlementOf, storedSettlementSchema } from '../dead-letters/dead-letter-codec.js';
import { usageTableSchema } from './table-names.js';
import { markerKey, number } from './usage-items.js';

const { partitionKey: pk, timeToLiveAttribute: ttl } = usageTableSchema;

/**
 * The attribute of a request's marker (`req#<request>`, see usage-items.ts) that holds its
 * settlement until the usage fold adds it to the counters; the fold's filter matches on it.
 */
export const unfoldedAttribute = 'usage';

/**
 * Longer than the usage dead-letter queues keep a letter (14 days from when it was sent, a
 * moment after its request), so a letter replayed late still finds the marker and counts once;
 * the marker's `settled` keeps this expiry.
 */
const keepSeconds = 16 * 86_400;

/** A recorded settlement's expiry from when it was recorded (epoch ms), as `unfoldedPut` sets it. */
export function unfoldedExpiry(recordedAt: number): number {
  return Math.floor(recordedAt / 1000) + keepSeconds;
}

const subjectsSchema = z.object({
  region: z.string(),
  period: z.object({ id: z.string(), end: z.number() }),
  key: z.object({ id: z.string(), name: z.string(), limit: z.number().optional() }),
  group: z.object({ id: z.string(), name: z.string(), limit: z.number().optional() }).optional(),
  org: z.object({ name: z.string(), limit: z.number().optional(), prepaidLimit: z.number().optional() }),
  userId: z.string().optional(),
});

const unfoldedSchema = z.object({ settlement: storedSettlementSchema, subjects: subjectsSchema.optional() });

/**
 * Records a settlement that held nothing, in one write of one small item (1 write unit):
 * written once, so a retried or replayed put changes nothing (its ConditionalCheckFailed
 * means the request is recorded already), nor does one after the marker says `settled`.
 */
export function unfoldedPut(tableName: string, { record, counters, subjects }: Settlement, now: number): PutItemCommandInput {
  const usage = JSON.stringify({ settlement: { record, counters, hold: null }, ...(subjects ? { subjects } : {}) });
  return {
    TableName: tableName,
    Item: { ...markerKey(record.requestId), [unfoldedAttribute]: { S: usage }, [ttl]: number(unfoldedExpiry(now)) },
    ConditionExpression: 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: { '#pk': pk },
  };
}

const imageSchema = z.object({ [unfoldedAttribute]: z.object({ S: z.string() }) });

/** The settlement a marker's image holds (a stream record's NewImage); throws when it holds none. */
export function unfoldedOf(image: unknown): RecordedSettlement {
  const text = imageSchema.parse(image)[unfoldedAttribute].S;
  const { settlement, subjects } = unfoldedSchema.parse(JSON.parse(text));
  return { settlement: settlementOf(settlement), subjects };
}
