import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeRouterRequest } from '../lambdas/gateway/router-routes.js';
import { startLocalGateway } from '../lambdas/local/start-local-gateway.js';

/**
 * The gateway exactly as `npm start` runs it (in memory, pointed at the bench upstream), plus
 * the same router core behind a plain node:http server. The second one shows what the gateway's
 * own work costs apart from the local Lambda function URL emulation and middy's stream pipeline;
 * on AWS, the function URL front end is Lambda's, not the router's.
 */
const gateway = await startLocalGateway({ env: { ...process.env, PORT: '0' }, inMemory: true });

const core = createServer((req, res) => {
  void readText(req).then(async (body) => {
    const headers = req.headers as Record<string, string | undefined>;
    const response = await routeRouterRequest(
      { method: req.method ?? 'GET', path: req.url ?? '/', headers, query: {}, body, requestId: randomUUID() },
      gateway.deps,
    );
    res.writeHead(response.status, response.headers);
    if (typeof response.body === 'string') return void res.end(response.body);
    for await (const piece of response.body) res.write(piece);
    res.end();
  });
});
core.keepAliveTimeout = 60_000;
core.listen(0, '127.0.0.1', () => {
  console.log(`CORE_PORT=${(core.address() as AddressInfo).port}`);
  console.log(`PORT=${new URL(gateway.url).port}`);
});
process.on('SIGTERM', () => void gateway.stop().then(() => process.exit(0)));

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
