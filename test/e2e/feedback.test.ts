import OpenAI from 'openai';
import type { FeedbackRecord } from '../../lambdas/core/request-log/feedback-record.js';
import type { RequestLogRecord } from '../../lambdas/core/request-log/request-log-record.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let client: OpenAI;
let log: ReturnType<typeof recordRequestLog>;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start() });
  log = recordRequestLog(gateway);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});
beforeEach(() => {
  log.records.length = 0;
  log.feedback.length = 0;
});

/** A chat answer, with its request-log record once written. */
async function answered(openai = client) {
  const completion = await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
  await vi.waitFor(() => expect(log.records.some((record) => record.request_id === completion._request_id)).toBe(true), { timeout: 5_000 });
  return { completion, record: log.records.find((record) => record.request_id === completion._request_id) as RequestLogRecord };
}

/** Posts feedback as Requesty's examples do: a JSON body with the key as a bearer token. */
async function postFeedback(id: string, body: unknown, { key = testKey, path = '/v1/feedback/' } = {}) {
  const response = await fetch(`${gateway.url}${path}${id}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> & { error?: { code: string; param: string | null; type: string } } };
}

/**
 * The feedback a request has, as analytics attach it: records whose id is the request's (its
 * request id or its answer's id) and whose key is the request's, the latest value of each field.
 */
function feedbackOf(request: RequestLogRecord, all: readonly FeedbackRecord[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const attached = all
    .filter((f) => f.api_key_id === request.api_key_id && (f.request_id === request.request_id || f.request_id === request.response_id))
    .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  for (const record of attached) for (const [field, text] of Object.entries(record.data)) merged[field] = JSON.parse(text);
  return merged;
}

const requestysExample = {
  data: {
    message: 'The response was very accurate and helpful.',
    rating: 5,
    helpful: true,
    user_id: 'user_1234',
    tags: ['customer-support', 'positive-feedback'],
  },
};

describe('feedback', () => {
  it("takes Requesty's example on the openai client's request id and writes it as a feedback record of the key", async () => {
    const { completion, record } = await answered();
    expect(completion._request_id).toMatch(/\S/);

    const sent = await postFeedback(String(completion._request_id), requestysExample);
    expect(sent).toEqual({
      status: 200,
      json: { success: true, request_id: completion._request_id, fields: ['message', 'rating', 'helpful', 'user_id', 'tags'] },
    });
    expect(log.feedback).toEqual([
      {
        request_id: completion._request_id,
        timestamp: expect.any(String),
        api_key_id: record.api_key_id,
        data: {
          message: '"The response was very accurate and helpful."',
          rating: '5',
          helpful: 'true',
          user_id: '"user_1234"',
          tags: '["customer-support","positive-feedback"]',
        },
      },
    ]);
    expect(feedbackOf(record, log.feedback)).toEqual(requestysExample.data);
  });

  it("takes the answer's own id too, also on Requesty's path /feedback/{id}", async () => {
    const { completion, record } = await answered();
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect((await postFeedback(completion.id, { data: { rating: 4 } }, { path: '/feedback/' })).status).toBe(200);
    expect(log.feedback.map((f) => f.request_id)).toEqual([completion.id]);
    expect(feedbackOf(record, log.feedback)).toEqual({ rating: 4 });
  });

  it('merges calls: each adds its fields and overwrites those given again', async () => {
    const { completion, record } = await answered();
    const id = String(completion._request_id);
    expect((await postFeedback(id, { data: { rating: 5, helpful: true } })).status).toBe(200);
    expect((await postFeedback(id, { data: { rating: 2, comment: { text: 'too long', lines: 40 } } })).status).toBe(200);
    // Written one after the other, in order, so the later call's values win.
    expect(log.feedback).toHaveLength(2);
    expect(log.feedback[0]?.timestamp.localeCompare(log.feedback[1]?.timestamp ?? '')).toBe(-1);
    expect(feedbackOf(record, log.feedback)).toEqual({ rating: 2, helpful: true, comment: { text: 'too long', lines: 40 } });
  });

  it("never attaches one key's feedback to another key's request, and answers it alike", async () => {
    const manage = manageClient(gateway.url);
    const other = await manage('POST', '/apikey', { name: 'another team' });
    const { completion, record } = await answered();

    const foreign = await postFeedback(String(completion._request_id), { data: { rating: 1 } }, { key: String(other.json.key) });
    const own = await postFeedback(String(completion._request_id), { data: { helpful: true } });
    expect(foreign.status).toBe(own.status);
    expect(Object.keys(foreign.json)).toEqual(Object.keys(own.json));
    expect(log.feedback.map((f) => f.api_key_id)).toEqual([String(other.json.id), record.api_key_id]);
    expect(feedbackOf(record, log.feedback)).toEqual({ helpful: true });

    // The other key's own request gets its feedback; the first key's feedback does not reach it.
    const theirs = await answered(new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(other.json.key), maxRetries: 0 }));
    await postFeedback(String(theirs.completion._request_id), { data: { rating: 3 } }, { key: String(other.json.key) });
    await postFeedback(String(theirs.completion._request_id), { data: { rating: 5 } });
    expect(feedbackOf(theirs.record, log.feedback)).toEqual({ rating: 3 });
  });

  it('refuses malformed feedback with a 400 naming what is wrong, and stores none of it', async () => {
    const refused = async (body: unknown, id = 'req-1') => {
      const { status, json } = await postFeedback(id, body);
      return { status, code: json.error?.code, param: json.error?.param, type: json.error?.type };
    };
    const invalid = (param: string | null) => ({ status: 400, code: 'invalid_request', param, type: 'invalid_request_error' });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`field${i}`, i]));

    expect(await refused('{"data": ')).toMatchObject({ status: 400, code: 'invalid_json' });
    expect(await refused({})).toEqual(invalid('data'));
    expect(await refused({ rating: 5 })).toEqual(invalid('data'));
    expect(await refused({ data: [5] })).toEqual(invalid('data'));
    expect(await refused({ data: 'great' })).toEqual(invalid('data'));
    expect(await refused({ data: {} })).toEqual(invalid('data'));
    expect(await refused({ data: { rating: 5 }, score: 1 })).toEqual(invalid(null));
    expect(await refused({ data: many })).toEqual(invalid('data'));
    expect(await refused({ data: { ['x'.repeat(65)]: 1 } })).toEqual(invalid('data'));
    expect(await refused({ data: { 'two\nlines': 1 } })).toEqual(invalid('data'));
    expect(await refused({ data: { '': 1 } })).toEqual(invalid('data.'));
    expect(await refused({ data: { comment: 'x'.repeat(4_095) } })).toEqual(invalid('data.comment'));
    expect(await refused('{"data": {"rating": 1e999}}')).toEqual(invalid('data.rating'));
    expect(await refused({ data: { rating: 5 } }, 'x'.repeat(257))).toEqual(invalid('request_id'));
    expect(await refused({ data: { rating: 5 } }, 'two%20words')).toEqual(invalid('request_id'));
    expect(log.feedback).toEqual([]);

    // At the bounds, accepted.
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`field${i}`, i]));
    expect((await postFeedback('req-1', { data: fifty })).status).toBe(200);
    expect((await postFeedback('x'.repeat(256), { data: { ['x'.repeat(64)]: 'x'.repeat(4_094), empty: null } })).status).toBe(200);
    expect(log.feedback).toHaveLength(2);
  });

  it('refuses a missing or unknown key with 401, and other methods with 405', async () => {
    const noKey = await fetch(`${gateway.url}/v1/feedback/req-1`, { method: 'POST', body: JSON.stringify({ data: { rating: 5 } }) });
    expect(noKey.status).toBe(401);
    const unknown = await postFeedback('req-1', { data: { rating: 5 } }, { key: 'sb-not-a-key' });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error).toMatchObject({ type: 'authentication_error' });
    // An unknown key is refused before its body is read.
    expect((await postFeedback('req-1', { data: {} }, { key: 'sb-not-a-key' })).status).toBe(401);
    expect(log.feedback).toEqual([]);
    const get = await fetch(`${gateway.url}/v1/feedback/req-1`, { headers: { Authorization: `Bearer ${testKey}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});
