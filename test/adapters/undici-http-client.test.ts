import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { undiciHttpClient } from '../../lambdas/adapters/undici/undici-http-client.js';
import { HttpTransportError, type HttpRequest, type HttpResponse } from '../../lambdas/ports/http-client.js';
import { eventually } from '../support/eventually.js';
import { gzipBomb } from '../support/misbehaving-answers.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';

const upstream = new MockOpenAIUpstream();
const agent = new Agent({ keepAliveTimeout: 1_000 });
const http = undiciHttpClient(agent);
let baseUrl: string;

beforeAll(async () => {
  gzipBomb();
  baseUrl = await upstream.start();
});
afterAll(async () => {
  await agent.close();
  await upstream.stop();
});

/** Asks the mock for `model`'s behaviour, with generous limits unless a test narrows one. */
function ask(model: string, limits: Partial<Pick<HttpRequest, 'headersTimeoutMs' | 'idleTimeoutMs' | 'deadlineAt'>> = {}, stream = true): Promise<HttpResponse> {
  return http({
    url: `${baseUrl}/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [] }),
    headersTimeoutMs: 10_000,
    idleTimeoutMs: 10_000,
    deadlineAt: Date.now() + 30_000,
    ...limits,
  });
}

/** Reads a body to its end, counting bytes, or returns what it failed with. */
async function drain(response: HttpResponse): Promise<{ bytes: number; error?: unknown }> {
  let bytes = 0;
  try {
    for await (const chunk of response.body) bytes += chunk.byteLength;
  } catch (error) {
    return { bytes, error };
  }
  return { bytes };
}

describe('undici HttpClient', () => {
  it('asks for no compression and hands over a gzip answer as the bytes sent, never inflated', async () => {
    const response = await ask('gzip-bomb', {}, false);
    expect(upstream.requests.at(-1)?.headers['accept-encoding']).toBeUndefined();
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(await drain(response)).toEqual({ bytes: gzipBomb().length });
  });

  it('fails a response head slower than the headers timeout as a timeout', async () => {
    const error = await ask('hang', { headersTimeoutMs: 200 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HttpTransportError);
    expect(error).toMatchObject({ kind: 'timeout' });
  });

  it('ends a body that never ends at the deadline, as a timeout, and closes its connection', async () => {
    const closed = upstream.nextEarlyClose();
    const response = await ask('endless', { deadlineAt: Date.now() + 600 });
    const { bytes, error } = await drain(response);
    expect(bytes).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(HttpTransportError);
    expect(error).toMatchObject({ kind: 'timeout' });
    await closed;
  });

  it('ends a body dripping a byte a second at the deadline, though it is never silent for the idle limit', async () => {
    const response = await ask('drip', { idleTimeoutMs: 5_000, deadlineAt: Date.now() + 2_500 });
    const { bytes, error } = await drain(response);
    expect(bytes).toBeLessThan(10);
    expect(error).toMatchObject({ kind: 'timeout' });
  });

  it('fails a body silent for longer than the idle limit as a timeout', async () => {
    const response = await ask('hang-midstream', { idleTimeoutMs: 300 });
    expect((await drain(response)).error).toMatchObject({ kind: 'timeout' });
  });

  it('releases the connection of a body nobody reads once the deadline passes', async () => {
    const closed = upstream.nextEarlyClose();
    await ask('endless', { deadlineAt: Date.now() + 300 });
    await closed;
  });

  it('releases the connection when the reader stops early', async () => {
    const closed = upstream.nextEarlyClose();
    const response = await ask('endless');
    for await (const chunk of response.body) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    await closed;
  });

  it('keeps the connection of a stream left at its end marker when HTTP\'s own end comes a moment later', async () => {
    // As providers send it: `data: [DONE]`, then the chunked body's terminator in a packet of its own.
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections++;
      let received = '';
      socket.on('data', (bytes: Buffer) => {
        // One answer per request: its body, `{}`, ends it.
        received += bytes.toString();
        if (!received.endsWith('{}')) return;
        received = '';
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n');
        const done = 'data: [DONE]\n\n';
        socket.write(`${done.length.toString(16)}\r\n${done}\r\n`);
        setTimeout(() => socket.write('0\r\n\r\n'), 50);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const own = new Agent({ keepAliveTimeout: 10_000 });
    const call = () => undiciHttpClient(own)({ url: `${origin}/`, method: 'POST', headers: {}, body: '{}', headersTimeoutMs: 5_000, idleTimeoutMs: 5_000, deadlineAt: Date.now() + 10_000 });
    try {
      for (let i = 0; i < 3; i++) {
        for await (const chunk of (await call()).body) {
          expect(Buffer.from(chunk).toString()).toContain('[DONE]');
          break;
        }
        const stats = () => (own.stats as Record<string, { connected: number; free: number } | undefined>)[origin];
        await eventually(async () => (stats()?.connected === 1 && stats()?.free === 1) || undefined, 'the connection to be idle and open', 5_000, 20);
      }
      expect(connections).toBe(1);
    } finally {
      await own.close();
      server.close();
    }
  });

  it('drops, rather than reads on, a body its reader left that keeps coming', async () => {
    // Whatever the reader left it for (a body past its size limit, say), a flood is not downloaded for a second.
    let written = 0;
    const closed = new Promise<void>((resolve) => {
      const server: Server = createServer((socket) => {
        socket.once('data', () => {
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n');
          const piece = `${'x'.repeat(65_536)}`;
          const flood = () => {
            while (!socket.destroyed) {
              written += piece.length;
              if (!socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`)) return void socket.once('drain', flood);
            }
          };
          flood();
        });
        socket.on('error', () => undefined);
        socket.on('close', () => {
          server.close();
          resolve();
        });
      });
      server.listen(0, '127.0.0.1', () => {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
        void http({ url, method: 'POST', headers: {}, body: '{}', headersTimeoutMs: 5_000, idleTimeoutMs: 5_000, deadlineAt: Date.now() + 30_000 }).then(async (response) => {
          for await (const chunk of response.body) {
            expect(chunk.byteLength).toBeGreaterThan(0);
            break;
          }
        });
      });
    });
    await closed;
    // What the socket buffers held when it was dropped, not a second of loopback (gigabytes).
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('reports a reset, before the head or mid-body, as a connection failure', async () => {
    expect(await ask('reset').catch((thrown: unknown) => thrown)).toMatchObject({ kind: 'connection' });
    const { bytes, error } = await drain(await ask('reset-midstream'));
    expect(bytes).toBeGreaterThan(0);
    expect(error).toMatchObject({ kind: 'connection' });
  });

  it('reports an answer that is not HTTP at all as a connection failure', async () => {
    const server: Server = createServer((socket) => socket.resume().end('HELLO THERE\r\n\r\n\u0000\u0001'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const error = await http({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      method: 'POST',
      headers: {},
      body: '{}',
      headersTimeoutMs: 5_000,
      idleTimeoutMs: 5_000,
      deadlineAt: Date.now() + 10_000,
    }).catch((thrown: unknown) => thrown);
    await new Promise((resolve) => server.close(resolve));
    expect(error).toBeInstanceOf(HttpTransportError);
    expect(error).toMatchObject({ kind: 'connection' });
  });
});
