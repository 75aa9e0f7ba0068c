import { request as httpRequest, Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startSpawnedGateway, type SpawnedGateway } from '../support/spawned-gateway.js';

// Clients misbehaving every way they can against the real `npm start` process: after each, it
// must still serve. The upstream is a local mock whose `hang` model never answers.
const upstream = new MockOpenAIUpstream();
let gateway: SpawnedGateway;
let port: number;

beforeAll(async () => {
  gateway = await startSpawnedGateway({
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    env: { OPENAI_BASE_URL: await upstream.start(), OPENAI_API_KEY: 'sk-client-faults-0123456789', SWITCHBOARD_HEADERS_TIMEOUT_MS: '60000' },
  });
  port = Number(new URL(gateway.url).port);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const chat = (model: string, stream: boolean) => JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], stream });

/** Opens a raw connection and writes `text`; the caller decides when (if ever) to finish. */
function rawConnection(text: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      resolve(socket);
    });
    // Read whatever the server answers (a 408), so its closing the connection is seen.
    socket.resume();
    socket.on('error', reject);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.on('close', () => resolve());
  });
}

/** Sends a request and abandons it once `when` says so: after the upload started, or once the response began. */
function abandoned(path: string, body: string, key: string, when: 'uploading' | 'waiting' | 'reading'): Promise<void> {
  return new Promise((resolveOnce) => {
    let check: NodeJS.Timeout | undefined;
    const resolve = () => {
      clearInterval(check);
      resolveOnce();
    };
    const request = httpRequest(
      { port, host: '127.0.0.1', path, method: 'POST', agent: false, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) + (when === 'uploading' ? 100 : 0) } },
      (response) => {
        response.once('data', () => request.destroy());
        response.on('error', () => undefined);
        response.on('close', () => resolve());
      },
    );
    request.on('error', () => resolve());
    request.on('close', () => resolve());
    if (when === 'uploading') {
      request.write(body.slice(0, 10));
      setTimeout(() => request.destroy(), 50);
      return;
    }
    request.end(body);
    if (when === 'waiting') {
      // The gateway has the request once the upstream has it; then the client gives up.
      const asked = upstream.requests.length;
      check = setInterval(() => {
        if (upstream.requests.length > asked) request.destroy();
      }, 5);
    }
  });
}

describe('npm start under misbehaving clients', () => {
  it('survives clients that leave while uploading, before the first byte, mid-stream, on /v1/messages and during management calls', async () => {
    const { apiKey, adminKey } = gateway;
    await abandoned('/v1/chat/completions', chat('mock/echo', false), apiKey, 'uploading');
    await abandoned('/v1/chat/completions', chat('openai/hang', true), apiKey, 'waiting');
    await abandoned('/v1/chat/completions', chat('openai/hang', false), apiKey, 'waiting');
    await abandoned('/v1/messages', JSON.stringify({ model: 'openai/hang', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }], stream: true }), apiKey, 'waiting');
    await abandoned('/v1/chat/completions', chat('mock/lorem-5000', true), apiKey, 'reading');
    await abandoned('/v1/messages', JSON.stringify({ model: 'mock/lorem-5000', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }], stream: true }), apiKey, 'reading');
    await abandoned('/v1/manage/apikey', JSON.stringify({ name: 'left' }), adminKey, 'uploading');
    await abandoned('/v1/manage/apikey', JSON.stringify({ name: 'left' }), adminKey, 'reading');
    expect(await gateway.serves()).toBe(true);
    expect(gateway.output()).not.toMatch(/Unhandled|uncaught|ERR_/i);
  });

  it('answers oversized headers with 431, oversized bodies with 413, and deeply nested or invalid UTF-8 bodies with a 4xx', async () => {
    const send = (headers: Record<string, string>, body: string | Buffer) =>
      fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gateway.apiKey}`, 'content-type': 'application/json', ...headers }, body });
    expect((await send({ 'x-big': 'a'.repeat(20_000) }, chat('mock/echo', false))).status).toBe(431);
    expect((await send({}, 'x'.repeat(7 * 1024 * 1024))).status).toBe(413);
    const deep = `{"model":"mock/echo","messages":[{"role":"user","content":"Hi"}],"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect((await send({}, deep)).status).toBe(400);
    expect((await send({}, deep.replace('mock/echo', 'openai/gpt-4o-mini'))).status).toBe(400);
    const nestedContent = `{"model":"mock/echo","messages":[{"role":"user","content":${'['.repeat(50_000)}${']'.repeat(50_000)}}]}`;
    expect((await send({}, nestedContent)).status).toBe(400);
    const invalidUtf8 = Buffer.concat([Buffer.from('{"model":"mock/echo","messages":[{"role":"user","content":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}]}')]);
    expect((await send({}, invalidUtf8)).status).toBeLessThan(500);
    expect(await gateway.serves()).toBe(true);
  });

  it('keeps serving while clients hold slow headers, slow bodies and chunked bodies that never end, and closes them in the end', async () => {
    const slowHeaders = await Promise.all(Array.from({ length: 50 }, () => rawConnection('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n')));
    const slowBodies = await Promise.all(
      Array.from({ length: 50 }, () =>
        rawConnection(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gateway.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"mo`),
      ),
    );
    const endless = await Promise.all(
      Array.from({ length: 50 }, () =>
        rawConnection(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gateway.apiKey}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"mod\r\n`),
      ),
    );
    expect(await gateway.serves()).toBe(true);
    // Headers are due within 10 s and whole requests within 30 s.
    await Promise.all(slowHeaders.map(closed));
    await Promise.all([...slowBodies, ...endless].map(closed));
    expect(await gateway.serves()).toBe(true);
  }, 120_000);

  it('serves 1,000 concurrent connections, a third of them abandoned midway', async () => {
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const results = await Promise.all(
      Array.from(
        { length: 1_000 },
        (_, i) =>
          new Promise<number | 'left'>((resolve) => {
            const body = chat(i % 2 === 0 ? 'mock/lorem-200' : 'mock/echo', i % 2 === 0);
            const request = httpRequest(
              { port, host: '127.0.0.1', path: '/v1/chat/completions', method: 'POST', agent, headers: { authorization: `Bearer ${gateway.apiKey}`, 'content-type': 'application/json' } },
              (response) => {
                if (i % 3 === 0) {
                  response.once('data', () => request.destroy());
                  response.on('close', () => resolve('left'));
                  return;
                }
                response.resume();
                response.on('end', () => resolve(response.statusCode ?? 0));
              },
            );
            request.on('error', () => resolve('left'));
            request.end(body);
          }),
      ),
    );
    agent.destroy();
    expect(results.filter((status) => status !== 'left' && status !== 200)).toEqual([]);
    expect(await gateway.serves()).toBe(true);
  }, 120_000);
});
