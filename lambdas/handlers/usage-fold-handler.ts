import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { lazily } from './function-url-runtime.js';
import { foldBatch, type UsageFoldDeps } from './usage-fold-batch.js';

/**
 * The usage fold Lambda: a batch of the usage table's stream (only the INSERTs of recorded
 * settlements pass the event source's filter), folded in order; what could not be counted is
 * reported from its first record, so Lambda retries from there (see lib/usage-fold.ts).
 */
export function createUsageFoldHandler(init: () => Promise<UsageFoldDeps>) {
  const ready = lazily(init);
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>().handler(async (event) => {
    const deps = await ready();
    const records = event.Records.map((record) => ({ sequenceNumber: record.dynamodb?.SequenceNumber ?? '', image: record.dynamodb?.NewImage }));
    const resumeFrom = await foldBatch(records, deps);
    return { batchItemFailures: resumeFrom === undefined ? [] : [{ itemIdentifier: resumeFrom }] };
  });
}
