import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirehoseRequestLogSink } from '../lambdas/adapters/firehose/firehose-request-log-sink.js';
import { JsonlRequestLogSink } from '../lambdas/adapters/request-log/jsonl-request-log-sink.js';
import { newApiKeyRecord } from '../lambdas/core/auth/api-key.js';
import type { GatewayDeps } from '../lambdas/gateway/gateway-config.js';
import { jsonResponse, type GatewayRequest } from '../lambdas/gateway/gateway-http.js';
import { RequestLogEntry } from '../lambdas/gateway/request-log-entry.js';
import { dynamoDbClient, gatewayDeps, parseGatewayEnv } from '../lambdas/handlers/gateway-env.js';
import type { RequestLogSink } from '../lambdas/ports/request-log-sink.js';

/**
 * The request log's whole CPU per request, measured in this process (CPU time, so a busy machine
 * slows it without skewing it): a typical chat request's entry filled as the router fills it,
 * its record built, written and delivered, with each sink.
 */
export async function requestLogCpuMicros(records = 20_000): Promise<{ files: number; firehose: number }> {
  const env = parseGatewayEnv({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' });
  const dynamodb = dynamoDbClient(env);
  const deps = gatewayDeps(env, dynamodb, {});
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-log-cpu-'));
  const firehose = new FirehoseRequestLogSink({
    streams: { requests: 'bench-requests', feedback: 'bench-feedback' },
    put: async (_stream, batch) => ({ FailedPutCount: 0, RequestResponses: batch.map((_, i) => ({ RecordId: String(i) })) }),
  });
  const files = new JsonlRequestLogSink(dataDir);
  try {
    // Files are written about once a second by `npm start`, Firehose is sent to after every
    // response on Lambda. Each is measured on warm code: a first round, then the measured one.
    const warm = async (sink: RequestLogSink, flushEvery: number) => {
      await cpuPerRequest({ ...deps, requestLog: sink }, records, flushEvery);
      return cpuPerRequest({ ...deps, requestLog: sink }, records, flushEvery);
    };
    return { files: await warm(files, 500), firehose: await warm(firehose, 1) };
  } finally {
    dynamodb.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const key = newApiKeyRecord('sb-bench-log-key-0000000000000000000000000', 'bench', Date.now());
const body = JSON.stringify({
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
  requesty: { user_id: 'ada', tags: ['bench'], extra: { team: 'core' } },
});
const completion = {
  id: 'chatcmpl-bench',
  object: 'chat.completion' as const,
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant' as const, content: 'Hello there, how are you?', refusal: null }, finish_reason: 'stop' as const, logprobs: null }],
  usage: { prompt_tokens: 14, completion_tokens: 7, total_tokens: 21, prompt_tokens_details: { cached_tokens: 0 } },
};

/** The router's answer: built by the router either way, so outside what is measured. */
const response = jsonResponse(200, completion);

async function cpuPerRequest(deps: GatewayDeps & { requestLog: RequestLogSink }, records: number, flushEvery: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < records; i++) {
    const request: GatewayRequest = {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'user-agent': 'OpenAI/JS 4.77.0', 'x-title': 'Bench', 'content-type': 'application/json' },
      query: {},
      body,
      requestId: `bench-${i}`,
    };
    const entry = new RequestLogEntry(request, 'chat', key, deps);
    entry.askedFor({ model: 'openai/gpt-4o-mini', stream: false, requesty: { user_id: 'ada', tags: ['bench'], extra: { team: 'core' } }, toolsOffered: [] });
    entry.routedBy(undefined);
    entry.ledgerOpened();
    entry.attempt({ model: 'openai/gpt-4o-mini', status: 200, errorCode: undefined, firstByteMs: 3 });
    entry.answeredBy('openai/gpt-4o-mini', Date.now());
    entry.completion(completion);
    // The ledger's charge for this usage of gpt-4o-mini: 6.3 micro-dollars, rounded up.
    entry.ledgerClosed({ usage: completion.usage, estimated: false, cost: 7 });
    entry.finish(response);
    if ((i + 1) % flushEvery === 0) await deps.requestLog.flush();
  }
  await deps.requestLog.flush();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / records;
}
