import { z } from 'zod';

/**
 * One line of the request log (Firehose → S3 → Athena), one per request. This schema is the
 * contract: the Glue table's columns are derived from it (lib/glue-columns.ts), and the log
 * writer validates against it. Field names are snake_case, as Athena users expect.
 */
export const requestLogRecordSchema = z.object({
  request_id: z.string(),
  /** ISO 8601, UTC. */
  timestamp: z.iso.datetime(),
  region: z.string(),
  api_key_id: z.string(),
  model_requested: z.string(),
  model: z.string().nullable(),
  provider: z.string().nullable(),
  policy: z.string().nullable(),
  attempts: z.int().nonnegative(),
  status: z.int(),
  stream: z.boolean(),
  latency_ms: z.int().nonnegative(),
  first_byte_ms: z.int().nonnegative().nullable(),
  prompt_tokens: z.int().nonnegative().nullable(),
  completion_tokens: z.int().nonnegative().nullable(),
  cached_tokens: z.int().nonnegative().nullable(),
  reasoning_tokens: z.int().nonnegative().nullable(),
  cost_usd: z.number().nonnegative().nullable(),
  error_code: z.string().nullable(),
  tags: z.array(z.string()),
  user_id: z.string().nullable(),
  trace_id: z.string().nullable(),
});
