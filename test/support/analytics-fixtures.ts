import type { FeedbackRecord } from '../../lambdas/core/request-log/feedback-record.js';
import type { RequestLogRecord } from '../../lambdas/core/request-log/request-log-record.js';
import { feedbackRecord, requestRecord } from './request-log-fixtures.js';

/**
 * A month of varied traffic for the analytics tests: three providers, two keys, users, tags,
 * extras (and a captured header), policies, tool calls, prompt caching, unpriced models,
 * failovers, errors before and after the first byte, and requests just outside the range.
 * Every count below comes from the index, so the tests can recompute any expectation.
 */
const models = [
  ['openai/gpt-4o-mini', 'openai'],
  ['anthropic/claude-haiku-4-5', 'anthropic'],
  ['google/gemini-2.5-flash', 'google'],
] as const;

export const inRange = { start: '2026-11-01T00:00:00Z', end: '2026-11-05T00:00:00Z' };

function record(index: number): RequestLogRecord {
  const [model, provider] = models[index % 3] ?? models[0];
  const failedOver = index % 6 === 5;
  const failed = index % 9 === 8;
  const cut = index % 10 === 7;
  const priced = index % 7 !== 6;
  const cost = 100 + index * 11;
  const cacheRead = index % 3 === 0 ? 50 : 0;
  const day = 1 + (index % 4);
  return requestRecord({
    request_id: `r-${index}`,
    timestamp: `2026-11-0${day}T${String((index * 5) % 24).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}:00.000Z`,
    api_key_id: index % 2 === 0 ? 'key_a' : 'key_b',
    group_id: index % 2 === 0 ? 'grp_search' : null,
    user_id: ['ann', 'bob', null][index % 3] ?? null,
    tags: [['prod', 'search'], ['prod'], [], []][index % 4] ?? [],
    extra: [{ team: 'search' }, { team: "ads's", 'header.x-title': 'My App' }, {}][index % 3] ?? {},
    // An app named by its X-Title (its referer aside), one known only by its referer, and none.
    app_title: index % 4 === 0 ? 'Open WebUI' : null,
    app_referer: ['https://openwebui.example.com', 'https://chat.example.com', null, null][index % 4] ?? null,
    endpoint: index % 8 === 3 ? 'messages' : 'chat',
    model_requested: index % 6 < 2 || failedOver ? 'policy/balanced' : model,
    model: failed ? null : model,
    provider: failed ? null : provider,
    policy: index % 6 < 2 || failedOver ? 'balanced' : null,
    attempts: failedOver
      ? [
          { model: 'openai/gpt-4o', status: 503, error_code: 'upstream_unavailable', first_token_ms: null },
          { model, status: 200, error_code: null, first_token_ms: 90 },
        ]
      : failed
        ? [
            { model, status: 500, error_code: 'upstream_error', first_token_ms: null },
            { model: 'openai/gpt-4o', status: 502, error_code: 'upstream_error', first_token_ms: null },
          ]
        : [{ model, status: 200, error_code: null, first_token_ms: 80 }],
    status: failed ? 502 : 200,
    error_type: failed || cut ? 'api_error' : null,
    error_code: failed ? 'upstream_error' : cut ? 'stream_interrupted' : null,
    stream: index % 2 === 1,
    latency_ms: 100 + ((index * 37) % 900),
    first_token_ms: failed || index % 5 === 0 ? null : 50 + ((index * 13) % 300),
    input_tokens: 100 + index * 10,
    output_tokens: 10 + index,
    cache_read_tokens: cacheRead,
    cache_write_tokens: index % 5 === 0 ? 20 : 0,
    reasoning_tokens: index % 4 === 0 ? 5 : 0,
    cost_micros: priced && !failed ? cost : null,
    cost_without_cache_micros: priced && !failed ? cost + (cacheRead ? 40 : 0) : null,
    tools_offered: index % 5 === 1 || index % 5 === 2 ? ['search', 'fetch'] : [],
    tool_calls: [['search', 'search', 'fetch'], ['fetch'], [], []][(index % 5) - 1] ?? [],
    finish_reason: failed ? null : index % 5 === 1 || index % 5 === 2 ? 'tool_calls' : 'stop',
  });
}

/** 40 requests from 1 to 4 November 2026, and one on each side of that range. */
export const fixtureRequests: RequestLogRecord[] = [
  ...Array.from({ length: 40 }, (_, index) => record(index)),
  requestRecord({ request_id: 'before', timestamp: '2026-10-31T23:59:59.999Z', model: 'openai/gpt-4o-mini', cost_micros: 1_000_000 }),
  requestRecord({ request_id: 'after', timestamp: '2026-11-05T00:00:00.000Z', model: 'openai/gpt-4o-mini', cost_micros: 1_000_000 }),
];

export const fixtureInRange = fixtureRequests.slice(0, 40);

/**
 * Feedback that merges: r-0's rating is rewritten (5 wins over 3) and gains a label; r-1's
 * later feedback quotes its response id; r-2's is from another key and does not count.
 */
export const fixtureFeedback: FeedbackRecord[] = [
  feedbackRecord({ request_id: 'r-0', timestamp: '2026-11-02T10:00:00.000Z', api_key_id: 'key_a', data: { rating: '3' } }),
  feedbackRecord({ request_id: 'r-0', timestamp: '2026-11-06T10:00:00.000Z', api_key_id: 'key_a', data: { rating: '5', label: '"helpful"' } }),
  feedbackRecord({ request_id: 'r-1', timestamp: '2026-11-02T09:00:00.000Z', api_key_id: 'key_b', data: { rating: '1' } }),
  feedbackRecord({ request_id: 'chatcmpl-r-1', timestamp: '2026-11-02T11:00:00.000Z', api_key_id: 'key_b', data: { rating: '4' } }),
  feedbackRecord({ request_id: 'r-2', timestamp: '2026-11-03T09:00:00.000Z', api_key_id: 'key_b', data: { rating: '2' } }),
  feedbackRecord({ request_id: 'r-3', timestamp: '2026-11-03T09:00:00.000Z', api_key_id: 'key_b', data: { rating: '4', details: '{"a": 1}' } }),
];

export const sum = (records: readonly RequestLogRecord[], value: (record: RequestLogRecord) => number | null) =>
  records.reduce((total, record) => total + (value(record) ?? 0), 0);
