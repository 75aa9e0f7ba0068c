import { z } from 'zod';

/**
 * One call to `POST /v1/feedback/{id}`, as its own log line (deployed: the same Firehose stream,
 * under `feedback/`; locally `feedback/year=/month=/day=/` in the data folder). Feedback merges:
 * for each request and field, the latest record's value is the feedback's, so analytics read it
 * through a query that keeps the last value per field. Values are kept as JSON text.
 */
export const feedbackRecordSchema = z.object({
  /** The id the client quoted: the gateway's request id or the answer's own id (`chatcmpl-…`). */
  request_id: z.string().max(1_024),
  /** When the feedback arrived: ISO 8601, UTC, milliseconds. */
  timestamp: z.iso.datetime(),
  /** The key that sent it: feedback is only taken for the key's own requests. */
  api_key_id: z.string().max(1_024),
  /** Each field of the feedback's `data`, as JSON text (`5`, `"helpful"`, `true`). */
  data: z.record(z.string(), z.string().max(4_096)),
});

export type FeedbackRecord = z.infer<typeof feedbackRecordSchema>;
