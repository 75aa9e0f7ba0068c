import type { FeedbackRecord } from '../../lambdas/core/request-log/feedback-record.js';
import type { RequestLogRecord } from '../../lambdas/core/request-log/request-log-record.js';

/** A complete, schema-valid request-log record; `fields` override any of its values. */
export function requestLogRecord(fields: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    request_id: 'req-1',
    response_id: 'chatcmpl-1',
    timestamp: '2026-03-04T05:06:07.089Z',
    region: 'eu-central-1',
    endpoint: 'chat',
    api_key_id: 'key-1',
    group_id: null,
    user_id: 'ann',
    trace_id: null,
    tags: ['batch'],
    extra: { team: 'search', 'header.x-title': 'Open WebUI' },
    app_title: 'Open WebUI',
    app_referer: null,
    user_agent: 'openai-python',
    model_requested: 'policy/default',
    model: 'openai/gpt-4o-mini',
    provider: 'openai',
    policy: 'default',
    attempts: [
      { model: 'anthropic/claude-haiku-4-5', status: 529, error_code: 'overloaded', first_token_ms: null },
      { model: 'openai/gpt-4o-mini', status: 200, error_code: null, first_token_ms: 120 },
    ],
    status: 200,
    error_type: null,
    error_code: null,
    stream: true,
    latency_ms: 950,
    first_token_ms: 130,
    input_tokens: 100,
    output_tokens: 50,
    cache_read_tokens: 20,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    usage_estimated: false,
    cost_micros: 45,
    cost_without_cache_micros: 48,
    tools_offered: ['get_weather'],
    tool_calls: ['get_weather'],
    finish_reason: 'tool_calls',
    bytes_in: 400,
    bytes_out: 1_200,
    ...fields,
  };
}

export function feedbackRecord(fields: Partial<FeedbackRecord> = {}): FeedbackRecord {
  return { request_id: 'req-1', timestamp: '2026-03-04T05:07:00.000Z', api_key_id: 'key-1', data: { rating: '5', comment: '"helpful"' }, ...fields };
}
