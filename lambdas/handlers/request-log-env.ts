import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { z } from 'zod';
import { FirehoseRequestLogSink } from '../adapters/firehose/firehose-request-log-sink.js';
import { firehosePutRecordBatch } from '../adapters/firehose/firehose-put-record-batch.js';
import { discardedRequestLog } from '../adapters/request-log/discarded-request-log.js';
import { JsonlRequestLogSink } from '../adapters/request-log/jsonl-request-log-sink.js';
import type { RequestLogSink } from '../ports/request-log-sink.js';

/** The request log's variables, merged into the gateway's environment schema. */
export const requestLogEnvSchema = z.object({
  /** The Firehose stream of request-log records (the stack sets it; both or neither). */
  REQUEST_LOG_STREAM: z.string().min(1).optional(),
  /** The Firehose stream of feedback records. */
  FEEDBACK_STREAM: z.string().min(1).optional(),
});

export type RequestLogEnv = z.infer<typeof requestLogEnvSchema> & { AWS_REGION: string; SWITCHBOARD_DATA_DIR?: string | undefined };

/** How often a long-running local server writes its queued records without being asked. */
export const localRequestLogFlushMs = 1_000;

/**
 * Where request-log and feedback records go: the Firehose streams when the stack names them
 * (with the credentials DynamoDB uses), else JSON-lines files in SWITCHBOARD_DATA_DIR (the
 * local server), else nowhere.
 */
export function requestLogSink(env: RequestLogEnv, dynamodb: DynamoDBClient): RequestLogSink {
  const { REQUEST_LOG_STREAM: requests, FEEDBACK_STREAM: feedback } = env;
  if (requests || feedback) {
    if (!requests || !feedback) throw new Error('Invalid gateway configuration: REQUEST_LOG_STREAM and FEEDBACK_STREAM are set together.');
    const client = new FirehoseClient({
      region: env.AWS_REGION,
      credentials: dynamodb.config.credentials,
      // The sink retries what failed itself, a bounded number of times; the SDK's own retries
      // would multiply them.
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    });
    return new FirehoseRequestLogSink({ streams: { requests, feedback }, put: firehosePutRecordBatch(client) });
  }
  if (env.SWITCHBOARD_DATA_DIR) return new JsonlRequestLogSink(env.SWITCHBOARD_DATA_DIR, { autoFlushMs: localRequestLogFlushMs });
  return discardedRequestLog;
}
