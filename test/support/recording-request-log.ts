import { expect, vi } from 'vitest';
import { feedbackRecordSchema, type FeedbackRecord } from '../../lambdas/core/request-log/feedback-record.js';
import { requestLogRecordSchema, type RequestLogRecord } from '../../lambdas/core/request-log/request-log-record.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';

/**
 * Replaces the gateway's request-log sink (the edge's) with one that keeps every record as it is
 * written, each checked against its schema: the records the router produces, without the files.
 */
export function recordRequestLog(gateway: LocalGateway): { records: RequestLogRecord[]; feedback: FeedbackRecord[] } {
  const kept = { records: [] as RequestLogRecord[], feedback: [] as FeedbackRecord[] };
  Object.assign(gateway.deps, {
    requestLog: {
      write: (record: RequestLogRecord) => void kept.records.push(requestLogRecordSchema.parse(record)),
      writeFeedback: (record: FeedbackRecord) => void kept.feedback.push(feedbackRecordSchema.parse(record)),
      flush: async () => undefined,
    },
  });
  return kept;
}

/** The one record of the request `requestId` among those kept, once it has been written. */
export async function loggedRecord(kept: { records: RequestLogRecord[] }, requestId: string | null): Promise<RequestLogRecord> {
  await vi.waitFor(() => expect(kept.records.filter((record) => record.request_id === requestId)).toHaveLength(1), { timeout: 10_000 });
  return kept.records.find((record) => record.request_id === requestId) as RequestLogRecord;
}
