import type { FeedbackRecord } from '../core/request-log/feedback-record.js';
import type { RequestLogRecord } from '../core/request-log/request-log-record.js';

/**
 * Where request-log and feedback records go: Firehose deployed, JSON-lines files under the
 * data folder locally. Writing never delays a response: `write` only queues (bounded; what
 * cannot be queued or delivered is counted and logged, never thrown), and `flush` delivers
 * what is queued (on Lambda once the response has ended, as usage is).
 */
export interface RequestLogSink {
  write(record: RequestLogRecord): void;
  writeFeedback(record: FeedbackRecord): void;
  flush(): Promise<void>;
}
