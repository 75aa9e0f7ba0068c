import { z } from 'zod';

/**
 * One line of the request log (Firehose → S3 → Athena deployed; JSON-lines files under the
 * data folder locally), one per request, written after the response has ended. This schema is
 * the contract: the Glue table's columns are derived from it (lib/glue-columns.ts), the
 * analytics queries are written against it, and the log writer validates against it. Field
 * names are snake_case, as Athena users expect. Money is integer micro-dollars, so sums are
 * exact; tokens are integers. No prompt or completion text is ever recorded.
 */
const count = z.int().nonnegative();
const text = z.string().max(1_024);

/** One call to one model: what it answered, and when its first token came. */
export const requestLogAttemptSchema = z.object({
  model: text,
  /** The provider's HTTP status, or the gateway's for a failure without one (504 for a timeout). */
  status: z.int(),
  error_code: text.nullable(),
  /** From the start of the attempt to its first token; null when none came. */
  first_token_ms: count.nullable(),
});

export const requestLogRecordSchema = z.object({
  /** The gateway's id (`x-request-id`). */
  request_id: text,
  /** The answer's own id (`chatcmpl-…`, `msg_…`), which clients quote to the feedback endpoint. */
  response_id: text.nullable(),
  /** When the request arrived: ISO 8601, UTC, milliseconds. */
  timestamp: z.iso.datetime(),
  region: text,
  /** `chat` (/v1/chat/completions), `messages` (/v1/messages), `embeddings`. */
  endpoint: text,
  api_key_id: text,
  group_id: text.nullable(),
  /** `requesty.user_id`. */
  user_id: text.nullable(),
  /** `requesty.trace_id`. */
  trace_id: text.nullable(),
  /** `requesty.tags`. */
  tags: z.array(text),
  /** `requesty.extra` as strings, plus the captured request headers (`header.<name>`). */
  extra: z.record(z.string(), text),
  /** The calling app: `X-Title`, `HTTP-Referer`, and the family of its User-Agent (`openai-python`...). */
  app_title: text.nullable(),
  app_referer: text.nullable(),
  user_agent: text.nullable(),
  /** What the client asked for: `provider/model` or `policy/<name>`. */
  model_requested: text,
  /** The model that answered; null when none did. */
  model: text.nullable(),
  provider: text.nullable(),
  policy: text.nullable(),
  attempts: z.array(requestLogAttemptSchema),
  /** The status the client got (200 for a response that started and failed later: see error_code). */
  status: z.int(),
  /** The failure the client was told of, if any: OpenAI's error `type` and `code`. */
  error_type: text.nullable(),
  error_code: text.nullable(),
  stream: z.boolean(),
  /** From arrival to the last byte sent. */
  latency_ms: count,
  /** From arrival to the first token sent to the client; null when none was. */
  first_token_ms: count.nullable(),
  input_tokens: count,
  output_tokens: count,
  cache_read_tokens: count,
  cache_write_tokens: count,
  reasoning_tokens: count,
  /** Whether the tokens are the provider's report or the gateway's estimate (a cut answer). */
  usage_estimated: z.boolean(),
  /** What the request was charged; null when the model is not priced. */
  cost_micros: count.nullable(),
  /** What the same tokens would have cost without caching (cache reads and writes at the input price). */
  cost_without_cache_micros: count.nullable(),
  /** Names of the tools the request offered; and the tool of each call the answer made (a tool called twice is listed twice). */
  tools_offered: z.array(text),
  tool_calls: z.array(text),
  finish_reason: text.nullable(),
  bytes_in: count,
  bytes_out: count,
});

export type RequestLogRecord = z.infer<typeof requestLogRecordSchema>;
export type RequestLogAttempt = z.infer<typeof requestLogAttemptSchema>;
