import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookHost, guardedWebhookTransport, type ResolveHost } from '../../../lambdas/adapters/webhooks/guarded-webhook-transport.js';
import { WebhookTransportError } from '../../../lambdas/ports/webhook-transport.js';

const received: { headers: IncomingMessage['headers']; body: string }[] = [];
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === '/hang') return;
      res.writeHead(req.url === '/fail' ? 503 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const local = { allowLoopback: true };
const deployed = { allowLoopback: false };
const post = (url: string, timeoutMs = 10_000) => ({ url, headers: { 'content-type': 'application/json', 'x-test': '1' }, body: '{"a":1}', timeoutMs });
const resolving =
  (...answers: string[][]): ResolveHost =>
  async () =>
    answers.length > 1 ? (answers.shift() as string[]) : (answers[0] as string[]);
const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'sent',
    (error: unknown) => (error instanceof WebhookTransportError ? error.kind : String(error)),
  );

describe('the SSRF-guarded webhook transport', () => {
  it('POSTs the body and headers and answers with the status; a non-2xx is an answer, not an error', async () => {
    expect(await guardedWebhookTransport(local)(post(`http://127.0.0.1:${port}/ok`))).toEqual({ status: 204 });
    expect(received.at(-1)).toMatchObject({ body: '{"a":1}', headers: { 'x-test': '1', 'content-length': '7' } });
    expect(await guardedWebhookTransport(local)(post(`http://127.0.0.1:${port}/fail`))).toEqual({ status: 503 });
  });

  it('refuses loopback, private and metadata addresses unless loopback is allowed, without connecting', async () => {
    const before = received.length;
    expect(await kindOf(guardedWebhookTransport(deployed)(post(`https://127.0.0.1:${port}/`)))).toBe('refused-address');
    expect(await kindOf(guardedWebhookTransport(local)(post('http://169.254.169.254/latest/meta-data/')))).toBe('refused-address');
    expect(await kindOf(guardedWebhookTransport(local)(post('http://[::ffff:10.0.0.1]/')))).toBe('refused-address');
    expect(received.length).toBe(before);
  });

  it('checks every address a name resolves to at connect time, and connects to the address it checked', async () => {
    const before = received.length;
    expect(await kindOf(guardedWebhookTransport(local, resolving(['93.184.215.14', '10.0.0.1']))(post(`http://hooks.test:${port}/`)))).toBe('refused-address');
    expect(received.length).toBe(before);
    // hooks.test is checked (loopback, allowed here) and the socket goes to that address.
    expect(await guardedWebhookTransport(local, resolving(['127.0.0.1']))(post(`http://hooks.test:${port}/ok`))).toEqual({ status: 204 });
    expect(received.at(-1)?.headers.host).toBe(`hooks.test:${port}`);
  });

  it('catches a name that resolved to a public address when saved and to a private one when connecting', async () => {
    const rebinding = resolving(['93.184.215.14'], ['127.0.0.1']);
    await expect(checkWebhookHost(`https://rebind.test:${port}/`, deployed, rebinding)).resolves.toBeUndefined();
    expect(await kindOf(guardedWebhookTransport(deployed, rebinding)(post(`https://rebind.test:${port}/`)))).toBe('refused-address');
    await expect(checkWebhookHost('https://10.1.1.1/', deployed)).rejects.toThrow(/private address/);
    await expect(checkWebhookHost('https://nowhere.test/', deployed, () => Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' })))).rejects.toThrow(
      /could not be resolved \(ENOTFOUND\)/,
    );
  });

  it('gives up on a receiver that does not answer in time, and reports one that cannot be reached', async () => {
    expect(await kindOf(guardedWebhookTransport(local)(post(`http://127.0.0.1:${port}/hang`, 300)))).toBe('timeout');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await kindOf(guardedWebhookTransport(local)(post(`http://127.0.0.1:${closedPort}/`)))).toBe('connection');
  });
});
