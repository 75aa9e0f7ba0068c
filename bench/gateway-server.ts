import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDbUsageStore } from '../lambdas/adapters/dynamodb/dynamodb-usage-store.js';
import { FirehoseRequestLogSink } from '../lambdas/adapters/firehose/firehose-request-log-sink.js';
import { discardedRequestLog } from '../lambdas/adapters/request-log/discarded-request-log.js';
import type { GatewayDeps } from '../lambdas/gateway/gateway-config.js';
import { dynamoDbClient, parseGatewayEnv } from '../lambdas/handlers/gateway-env.js';
import { routeRouterRequest } from '../lambdas/gateway/router-routes.js';
import type { UsageStore } from '../lambdas/ports/usage-store.js';
import { createRouterHandler } from '../lambdas/handlers/router-handler.js';
import { functionUrlServer } from '../lambdas/local/function-url-server.js';
import type { StreamingHandler } from '../lambdas/local/lambda-streaming-shim.js';
import { startLocalGateway } from '../lambdas/local/start-local-gateway.js';

/**
 * The gateway exactly as `npm start` runs it (in memory, pointed at the bench upstream), and
 * beside it the same without accounting; plus the same router core behind a plain node:http
 * server: with usage written as `npm start` does (every 50 ms), without any accounting, after
 * each response (as on Lambda), and before each response ends (`sync`). The core shows what the
 * gateway's own work costs apart from the local Lambda function URL emulation and middy's
 * stream pipeline (on AWS, the function URL front end is Lambda's); the ones without
 * accounting are the baselines for what accounting costs; the LOG_* ones, for the request log.
 */
const gateway = await startLocalGateway({ env: { ...process.env, PORT: '0' }, inMemory: true });

/** Counts nothing: the baseline the cost of accounting is measured against. */
const noAccounting: UsageStore = {
  reserve: async () => ({ held: true, committed: undefined }),
  settle: async () => undefined,
  release: async () => undefined,
  releaseExpired: async () => 0,
  totals: async (counters) => counters.map(() => ({ spent: 0, committed: 0 })),
  flush: async () => undefined,
  usage: async function* () {},
  orgUsage: async function* () {},
};

const env = parseGatewayEnv({ ...process.env, DYNAMODB_ENDPOINT: gateway.dynamoDbEndpoint });
const client = dynamoDbClient(env);
const afterResponse = new DynamoDbUsageStore(client, env.USAGE_TABLE, 'on-flush');

await listen(coreServer(gateway.deps), 'CORE');
await listen(coreServer({ ...gateway.deps, usage: noAccounting }), 'UNCOUNTED');
await listen(coreServer({ ...gateway.deps, usage: afterResponse }, () => afterResponse.flush()), 'AFTER');
await listen(coreServer({ ...gateway.deps, usage: new DynamoDbUsageStore(client, env.USAGE_TABLE, 'sync') }), 'SYNC');
// The whole local hop (function URL emulator and middy handler) without accounting, beside `npm start`'s.
const uncountedHandler = createRouterHandler(async () => ({ deps: { ...gateway.deps, usage: noAccounting } })) as unknown as StreamingHandler;
await listen(functionUrlServer(() => ({ invokeMode: 'RESPONSE_STREAM', handler: uncountedHandler })), 'GATEWAY_UNCOUNTED');
// Both again with SWITCHBOARD_UPSTREAM_JSON: JSON answers asked of the provider as JSON and passed on.
const upstreamJson = { ...gateway.deps, limits: { ...gateway.deps.limits, upstreamJson: true } };
await listen(coreServer(upstreamJson), 'CORE_JSON');
const upstreamJsonHandler = createRouterHandler(async () => ({ deps: upstreamJson })) as unknown as StreamingHandler;
await listen(functionUrlServer(() => ({ invokeMode: 'RESPONSE_STREAM', handler: upstreamJsonHandler })), 'GATEWAY_JSON');
// The request log alone: no usage counted, the log discarded, to files (`npm start`'s), or to Firehose after each response.
const firehose = new FirehoseRequestLogSink({
  streams: { requests: 'bench-requests', feedback: 'bench-feedback' },
  put: async (_stream, records) => ({ FailedPutCount: 0, RequestResponses: records.map((_, i) => ({ RecordId: String(i) })) }),
});
await listen(coreServer({ ...gateway.deps, usage: noAccounting, requestLog: discardedRequestLog }), 'LOG_NONE');
await listen(coreServer({ ...gateway.deps, usage: noAccounting }), 'LOG_FILES');
await listen(coreServer({ ...gateway.deps, usage: noAccounting, requestLog: firehose }, () => firehose.flush()), 'LOG_FIREHOSE');
// The Lambda-faithful bench (lambda-bench.ts) points the built bundle at this DynamoDB Local.
console.log(`DYNAMODB_PORT=${new URL(gateway.dynamoDbEndpoint).port}`);
// Last: the bench reads the other ports once it sees this one.
console.log(`PORT=${new URL(gateway.url).port}`);
process.on('SIGTERM', () => void gateway.stop().then(() => process.exit(0)));

/** The router core on node:http; `afterResponse` runs once the response has ended, as middy's requestEnd does on Lambda. */
function coreServer(deps: GatewayDeps, afterResponse?: () => Promise<void>): Server {
  const server = createServer((req, res) => {
    void readText(req).then(async (body) => {
      const headers = req.headers as Record<string, string | undefined>;
      const response = await routeRouterRequest(
        { method: req.method ?? 'GET', path: req.url ?? '/', headers, query: {}, body, requestId: randomUUID() },
        deps,
      );
      res.writeHead(response.status, response.headers);
      if (typeof response.body === 'string') res.end(response.body);
      else {
        for await (const piece of response.body) res.write(piece);
        res.end();
      }
      await afterResponse?.();
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

function listen(server: Server, name: string): Promise<void> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      console.log(`${name}_PORT=${(server.address() as AddressInfo).port}`);
      resolve();
    }),
  );
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
