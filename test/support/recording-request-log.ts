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
