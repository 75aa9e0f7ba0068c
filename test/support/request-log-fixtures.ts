import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { feedbackRecordSchema, type FeedbackRecord } from '../../lambdas/core/request-log/feedback-record.js';
import { requestLogRecordSchema, type RequestLogRecord } from '../../lambdas/core/request-log/request-log-record.js';

/** A valid request-log record: a plain successful chat request unless told otherwise. */
export function requestRecord(fields: Partial<RequestLogRecord> & Pick<RequestLogRecord, 'request_id' | 'timestamp'>): RequestLogRecord {
  return requestLogRecordSchema.parse({
    response_id: `chatcmpl-${fields.request_id}`,
    region: 'us-east-1',
    endpoint: 'chat',
    api_key_id: 'key_a',
    group_id: null,
    user_id: null,
    trace_id: null,
    tags: [],
    extra: {},
    app_title: null,
    app_referer: null,
    user_agent: 'openai-node',
    model_requested: fields.model ?? 'openai/gpt-4o-mini',
    model: 'openai/gpt-4o-mini',
    provider: 'openai',
    policy: null,
    attempts: [{ model: fields.model ?? 'openai/gpt-4o-mini', status: 200, error_code: null, first_token_ms: 100 }],
    status: 200,
    error_type: null,
    error_code: null,
    stream: false,
    latency_ms: 500,
    first_token_ms: 120,
    input_tokens: 100,
    output_tokens: 20,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    usage_estimated: false,
    cost_micros: 27,
    cost_without_cache_micros: 27,
    tools_offered: [],
    tool_calls: [],
    finish_reason: 'stop',
    bytes_in: 200,
    bytes_out: 400,
    ...fields,
  });
}

export function feedbackRecord(record: FeedbackRecord): FeedbackRecord {
  return feedbackRecordSchema.parse(record);
}

/**
 * Writes records as the local log sink lays them out: `<data folder>/<table>/year=/month=/day=/`
 * by the UTC date of each record, spread over two files per day (one per process, say). `filed`
 * puts them elsewhere: another file, or another day, as Firehose files a record by its arrival.
 */
export function writeLogFiles(
  dataDir: string,
  table: 'requests' | 'feedback',
  records: readonly { timestamp: string }[],
  filed: { file?: string; day?: (record: { timestamp: string }, index: number) => string } = {},
): void {
  const files = new Map<string, string[]>();
  records.forEach((record, index) => {
    const [year, month, day] = (filed.day?.(record, index) ?? record.timestamp).slice(0, 10).split('-');
    const file = join(dataDir, table, `year=${year}`, `month=${month}`, `day=${day}`, filed.file ?? `process-${index % 2}.jsonl`);
    files.set(file, [...(files.get(file) ?? []), JSON.stringify(record)]);
  });
  for (const [file, lines] of files) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${lines.join('\n')}\n`);
  }
}
