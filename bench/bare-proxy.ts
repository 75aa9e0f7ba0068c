import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/**
 * The baseline hop: a bare pass-through proxy (node:http in, undici Pool out, no parsing), so
 * the gateway's ratio to it measures what the gateway itself adds.
 */
const upstream = new Pool(process.env.UPSTREAM_ORIGIN ?? '', { connections: 256, keepAliveTimeout: 60_000 });

const server = createServer((req, res) => {
  upstream
    .request({
      path: (req.url ?? '/').replace(/^\/v1/, process.env.UPSTREAM_PATH_PREFIX ?? '/v1'),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: req,
    })
    .then(({ statusCode, headers, body }) => {
      res.writeHead(statusCode, { 'content-type': String(headers['content-type'] ?? 'application/json') });
      body.pipe(res);
    })
    .catch(() => {
      res.writeHead(502);
      res.end();
    });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`PORT=${(server.address() as AddressInfo).port}`));
