import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { discardedRequestLog } from '../../lambdas/adapters/request-log/discarded-request-log.js';
import { FirehoseRequestLogSink } from '../../lambdas/adapters/firehose/firehose-request-log-sink.js';
import { JsonlRequestLogSink } from '../../lambdas/adapters/request-log/jsonl-request-log-sink.js';
import { requestLogEnvSchema, requestLogSink } from '../../lambdas/handlers/request-log-env.js';
import { eventually } from '../support/eventually.js';
import { MockFirehose } from '../support/mock-firehose.js';
import { feedbackRecord, requestLogRecord } from '../support/request-log-records.js';

const firehose = new MockFirehose(['requests-stream', 'feedback-stream']);
const dynamodb = new DynamoDBClient({ region: 'eu-central-1', credentials: { accessKeyId: 'AKIDFROMDYNAMO', secretAccessKey: 'secret' } });

beforeAll(async () => {
  // The SDK's own variable for a service's endpoint, as a developer would point it elsewhere.
  vi.stubEnv('AWS_ENDPOINT_URL_FIREHOSE', await firehose.start());
});
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  vi.unstubAllEnvs();
  dynamodb.destroy();
  await firehose.stop();
});

describe('the request log chosen from the environment', () => {
  it('is Firehose when the stack names both streams, in the region and with the credentials DynamoDB uses', async () => {
    const env = { ...requestLogEnvSchema.parse({ REQUEST_LOG_STREAM: 'requests-stream', FEEDBACK_STREAM: 'feedback-stream' }), AWS_REGION: 'eu-central-1', SWITCHBOARD_DATA_DIR: '/never/used' };
    const sink = requestLogSink(env, dynamodb);
    expect(sink).toBeInstanceOf(FirehoseRequestLogSink);
    sink.write(requestLogRecord());
    sink.writeFeedback(feedbackRecord());
    await sink.flush();
    expect(firehose.delivered.get('requests-stream')).toHaveLength(1);
    expect(firehose.delivered.get('feedback-stream')).toHaveLength(1);
    expect(firehose.requests[0]?.headers.authorization).toMatch(/Credential=AKIDFROMDYNAMO\/\d{8}\/eu-central-1\/firehose\//);
  });

  it('refuses one stream without the other', () => {
    expect(() => requestLogSink({ REQUEST_LOG_STREAM: 'requests-stream', AWS_REGION: 'eu-central-1' }, dynamodb)).toThrow(/REQUEST_LOG_STREAM and FEEDBACK_STREAM are set together/);
    expect(() => requestLogSink({ FEEDBACK_STREAM: 'feedback-stream', AWS_REGION: 'eu-central-1' }, dynamodb)).toThrow(/set together/);
  });

  it('is JSON-lines files under the data folder locally, flushed on a timer too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'request-log-env-'));
    const sink = requestLogSink({ AWS_REGION: 'us-east-1', SWITCHBOARD_DATA_DIR: dir }, dynamodb);
    expect(sink).toBeInstanceOf(JsonlRequestLogSink);
    sink.write(requestLogRecord());
    // No flush asked for: the timer writes it.
    const folder = join(dir, 'requests/year=2026/month=03/day=04');
    const [file] = await eventually(async () => (existsSync(folder) ? readdirSync(folder) : undefined), 'the timer flush', 20_000);
    expect(JSON.parse(readFileSync(join(folder, String(file)), 'utf8'))).toEqual(requestLogRecord());
    await (sink as JsonlRequestLogSink).close();
  });

  it('drops records silently when nothing is configured', async () => {
    const sink = requestLogSink({ AWS_REGION: 'us-east-1' }, dynamodb);
    expect(sink).toBe(discardedRequestLog);
    const log = vi.spyOn(console, 'error');
    sink.write(requestLogRecord());
    await sink.flush();
    expect(log).not.toHaveBeenCalled();
  });

  it('takes stream names as non-empty strings', () => {
    expect(requestLogEnvSchema.parse({})).toEqual({});
    expect(requestLogEnvSchema.safeParse({ REQUEST_LOG_STREAM: '' }).success).toBe(false);
  });
});
