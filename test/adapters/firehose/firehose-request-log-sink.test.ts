import { FirehoseClient } from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firehoseBatches, firehoseLimits } from '../../../lambdas/adapters/firehose/firehose-batches.js';
import { firehosePutRecordBatch, type PutRecordBatch, type PutRecordBatchAnswer } from '../../../lambdas/adapters/firehose/firehose-put-record-batch.js';
import { FirehoseRequestLogSink, type FirehoseRequestLogSinkOptions } from '../../../lambdas/adapters/firehose/firehose-request-log-sink.js';
import { feedbackRecordSchema } from '../../../lambdas/core/request-log/feedback-record.js';
import { requestLogRecordSchema } from '../../../lambdas/core/request-log/request-log-record.js';
import { MockFirehose } from '../../support/mock-firehose.js';
import { feedbackRecord, requestLogRecord } from '../../support/request-log-records.js';

const streams = { requests: 'sb-requests', feedback: 'sb-feedback' };
type Call = { stream: string; records: string[] };

/** A recording PutRecordBatch: `answer` decides each call's fate (default: every entry accepted). */
function recordingPut(answer: (call: Call, index: number) => PutRecordBatchAnswer | Error = () => ({ FailedPutCount: 0 })) {
  const calls: Call[] = [];
  const put: PutRecordBatch = async (stream, records) => {
    const call = { stream, records: records.map((data) => Buffer.from(data).toString('utf8')) };
    calls.push(call);
    const result = answer(call, calls.length - 1);
    if (result instanceof Error) throw result;
    return result;
  };
  return { calls, put };
}

function sinkWith(put: PutRecordBatch, options: Partial<FirehoseRequestLogSinkOptions> = {}) {
  const logs: string[] = [];
  const metrics: string[] = [];
  const sleeps: number[] = [];
  const sink = new FirehoseRequestLogSink({
    streams,
    put,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 1,
    reporting: { log: (line) => logs.push(line), metric: (line) => metrics.push(line), now: () => 1_700_000_000_000 },
    ...options,
  });
  return { sink, logs, metrics, sleeps };
}

const failing = (code: string, which: (record: string) => boolean) => (call: Call): PutRecordBatchAnswer => {
  const responses = call.records.map((record) => (which(record) ? { ErrorCode: code, ErrorMessage: 'slow down' } : { RecordId: 'ok' }));
  return { FailedPutCount: responses.filter((response) => 'ErrorCode' in response).length, RequestResponses: responses };
};

const sdkError = (name: string, fault: 'client' | 'server', status: number) =>
  Object.assign(new Error(`${name}: failed`), { name, $fault: fault, $metadata: { httpStatusCode: status } });

describe('the Firehose request log', () => {
  it('queues on write and, on flush, puts each log into its own stream as newline-terminated schema JSON', async () => {
    const { calls, put } = recordingPut();
    const { sink, logs } = sinkWith(put);
    sink.write(requestLogRecord({ request_id: 'a' }));
    sink.write({ ...requestLogRecord({ request_id: 'b' }), prompt: 'never logged' } as ReturnType<typeof requestLogRecord>);
    sink.writeFeedback(feedbackRecord());
    expect(calls).toEqual([]);
    await sink.flush();
    const byStream = Object.fromEntries(calls.map((call) => [call.stream, call.records]));
    expect(Object.keys(byStream).sort()).toEqual(['sb-feedback', 'sb-requests']);
    for (const record of [...(byStream['sb-requests'] ?? []), ...(byStream['sb-feedback'] ?? [])]) expect(record.endsWith('}\n')).toBe(true);
    expect(byStream['sb-requests']?.map((record) => requestLogRecordSchema.strict().parse(JSON.parse(record)).request_id)).toEqual(['a', 'b']);
    expect(byStream['sb-feedback']?.map((record) => feedbackRecordSchema.parse(JSON.parse(record)))).toEqual([feedbackRecord()]);
    expect(logs).toEqual([]);
    await sink.flush();
    expect(calls).toHaveLength(2);
  });

  it('splits what it sends within 500 records and 4 MiB a call', async () => {
    const { calls, put } = recordingPut();
    const { sink } = sinkWith(put, { limits: { maxQueuedBytes: 64 * 1024 * 1024 } });
    for (let i = 0; i < 1_201; i++) sink.write(requestLogRecord({ request_id: `r${i}` }));
    await sink.flush();
    expect(calls.map((call) => call.records.length)).toEqual([500, 500, 201]);
    expect(calls.flatMap((call) => call.records.map((record) => JSON.parse(record).request_id))).toEqual(Array.from({ length: 1_201 }, (_, i) => `r${i}`));

    calls.length = 0;
    const large = requestLogRecord({ tags: ['x'.repeat(900 * 1024)] });
    for (let i = 0; i < 10; i++) sink.write(large);
    await sink.flush();
    expect(calls.map((call) => call.records.length)).toEqual([4, 4, 2]);
    for (const call of calls) expect(call.records.reduce((sum, record) => sum + Buffer.byteLength(record), 0)).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it('drops and counts a record over 1,000 KiB, never sending it', async () => {
    const { calls, put } = recordingPut();
    const { sink, logs, metrics } = sinkWith(put);
    sink.write(requestLogRecord({ request_id: 'huge', tags: ['x'.repeat(firehoseLimits.maxRecordBytes)] }));
    sink.write(requestLogRecord({ request_id: 'fine' }));
    await sink.flush();
    expect(calls.flatMap((call) => call.records.map((record) => JSON.parse(record).request_id))).toEqual(['fine']);
    expect(JSON.parse(String(logs[0]))).toMatchObject({ dropped: 1, requests: { destination: 'sb-requests', reasons: { too_large: 1 } } });
    expect(metrics).toHaveLength(1);
  });

  it('retries only the entries Firehose reports failed, with growing bounded waits, until they are in', async () => {
    let round = 0;
    const { calls, put } = recordingPut((call) => (round++ < 2 ? failing('ServiceUnavailableException', (record) => /"r[0-4]"/.test(record))(call) : { FailedPutCount: 0 }));
    const { sink, logs, sleeps } = sinkWith(put, { retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 150 } });
    for (let i = 0; i < 10; i++) sink.write(requestLogRecord({ request_id: `r${i}` }));
    await sink.flush();
    expect(calls.map((call) => call.records.length)).toEqual([10, 5, 5]);
    expect(calls[1]?.records.map((record) => JSON.parse(record).request_id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(sleeps).toEqual([100, 150]);
    expect(logs).toEqual([]);
  });

  it('gives up after the last try, and reports the dropped counts and error codes in one line and a metric, never the contents', async () => {
    const { calls, put } = recordingPut(failing('ServiceUnavailableException', (record) => record.includes('"r1"')));
    const feedbackDown = (call: Call, index: number) => (call.stream === 'sb-feedback' ? sdkError('InternalFailure', 'server', 500) : failing('ServiceUnavailableException', (record) => record.includes('"r1"'))(call));
    const both = recordingPut(feedbackDown);
    for (const [fake, expectCalls] of [[{ calls, put }, 4], [both, 8]] as const) {
      const { sink, logs, metrics } = sinkWith(fake.put);
      sink.write(requestLogRecord({ request_id: 'r0' }));
      sink.write(requestLogRecord({ request_id: 'r1' }));
      if (fake === both) sink.writeFeedback(feedbackRecord());
      await expect(sink.flush()).resolves.toBeUndefined();
      expect(fake.calls).toHaveLength(expectCalls);
      expect(logs).toHaveLength(1);
      const line = JSON.parse(String(logs[0]));
      expect(line).toMatchObject({ level: 'error', msg: 'request log records dropped', sink: 'firehose', requests: { destination: 'sb-requests', dropped: 1, reasons: { ServiceUnavailableException: 1 } } });
      expect(String(logs[0])).not.toMatch(/ann|search|Open WebUI|r1/);
      if (fake === both) {
        expect(line).toMatchObject({ dropped: 2, feedback: { destination: 'sb-feedback', dropped: 1, reasons: { InternalFailure: 1 } } });
        expect(metrics).toHaveLength(2);
      }
      expect(JSON.parse(String(metrics[0]))).toEqual({
        _aws: { Timestamp: 1_700_000_000_000, CloudWatchMetrics: [{ Namespace: 'Switchboard', Dimensions: [['Log']], Metrics: [{ Name: 'RequestLogDropped', Unit: 'Count' }] }] },
        Log: 'requests',
        RequestLogDropped: 1,
      });
    }
  });

  it('retries calls that fail whole when the failure may pass, and drops at once on one that cannot', async () => {
    const { calls, put } = recordingPut((_, index) => (index === 0 ? sdkError('ServiceUnavailableException', 'server', 503) : index === 1 ? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) : { FailedPutCount: 0 }));
    const { sink, logs } = sinkWith(put);
    sink.write(requestLogRecord());
    await sink.flush();
    expect(calls).toHaveLength(3);
    expect(logs).toEqual([]);

    const refused = recordingPut(() => sdkError('ResourceNotFoundException', 'client', 400));
    const gone = sinkWith(refused.put);
    gone.sink.write(requestLogRecord());
    gone.sink.write(requestLogRecord());
    await gone.sink.flush();
    expect(refused.calls).toHaveLength(1);
    expect(JSON.parse(String(gone.logs[0]))).toMatchObject({ dropped: 2, requests: { reasons: { ResourceNotFoundException: 2 } } });
  });

  it('keeps its queue bounded, counting what did not fit', async () => {
    const { calls, put } = recordingPut();
    const { sink, logs } = sinkWith(put, { limits: { maxQueuedRecords: 2 } });
    for (let i = 0; i < 5; i++) sink.write(requestLogRecord());
    await sink.flush();
    expect(calls[0]?.records).toHaveLength(2);
    expect(JSON.parse(String(logs[0]))).toMatchObject({ dropped: 3, requests: { reasons: { queue_full: 3 } } });
  });

  it('never throws from flush, even when the put itself misbehaves', async () => {
    const { sink, logs } = sinkWith((() => {
      throw new TypeError('not even a promise');
    }) as unknown as PutRecordBatch, { retry: { maxAttempts: 2 } });
    sink.write(requestLogRecord());
    await expect(sink.flush()).resolves.toBeUndefined();
    expect(JSON.parse(String(logs[0]))).toMatchObject({ dropped: 1, requests: { reasons: { TypeError: 1 } } });
  });
});

describe('Firehose batches', () => {
  it('are the fewest consecutive runs within both per-call limits', () => {
    const limits = { maxRecordsPerCall: 3, maxBytesPerCall: 10, maxRecordBytes: 10 };
    expect(firehoseBatches([1, 1, 1, 1, 1, 1, 1], (n) => n, limits)).toEqual([[1, 1, 1], [1, 1, 1], [1]]);
    expect(firehoseBatches([6, 4, 1, 9, 10], (n) => n, limits)).toEqual([[6, 4], [1, 9], [10]]);
    expect(firehoseBatches([], (n: number) => n, limits)).toEqual([]);
  });
});

describe('the Firehose request log against a local double of the Firehose JSON API', () => {
  const firehose = new MockFirehose(Object.values(streams));
  let client: FirehoseClient;

  beforeAll(async () => {
    const endpoint = await firehose.start();
    const credentials = async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' });
    client = new FirehoseClient({ region: 'eu-central-1', endpoint, credentials, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await firehose.stop();
  });

  it('signs PutRecordBatch, retries the entries and calls the service failed, and delivers every record once', async () => {
    firehose.failCall = (call) => (call === 1 ? { status: 503, type: 'ServiceUnavailableException' } : undefined);
    firehose.failRecord = (data, attempt) => (data.includes('"r2"') && attempt === 1 ? 'ServiceUnavailableException' : undefined);
    const { sink, logs, sleeps } = sinkWith(firehosePutRecordBatch(client));
    for (let i = 0; i < 4; i++) sink.write(requestLogRecord({ request_id: `r${i}` }));
    sink.writeFeedback(feedbackRecord());
    await sink.flush();
    expect(firehose.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-central-1\/firehose\/aws4_request/);
    expect(firehose.delivered.get('sb-requests')?.map((data) => JSON.parse(data).request_id).sort()).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(firehose.delivered.get('sb-feedback')?.map((data) => feedbackRecordSchema.parse(JSON.parse(data)))).toEqual([feedbackRecord()]);
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
    expect(logs).toEqual([]);
  });

  it('reports a stream that does not exist by its error code, without retrying', async () => {
    firehose.failCall = () => undefined;
    const before = firehose.requests.length;
    const { sink, logs } = sinkWith(firehosePutRecordBatch(client), { streams: { requests: 'missing', feedback: 'sb-feedback' } });
    sink.write(requestLogRecord());
    await sink.flush();
    expect(firehose.requests.length - before).toBe(1);
    expect(JSON.parse(String(logs[0]))).toMatchObject({ requests: { destination: 'missing', reasons: { ResourceNotFoundException: 1 } } });
  });
});
