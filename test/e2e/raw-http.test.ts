import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { parseResponses, rawHttp, type RawResponse } from '../support/raw-http.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

let gateway: LocalGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(() => gateway?.stop());

const send = (text: string, endAfterWrite = false) => rawHttp(gateway.url, Buffer.from(text, 'latin1'), { endAfterWrite });
const openAIError = (code: string) => ({ error: { message: expect.any(String), type: 'invalid_request_error', code, param: null } });

describe('the local server, given what no HTTP client library would send', () => {
  it('answers requests Node cannot parse with an error in OpenAI shape, then closes', async () => {
    const cases: Array<[string, number, boolean?]> = [
      ['GARBAGE\r\n\r\n', 400],
      ['GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', 400],
      ['GET /v1/models HTTP/1.1\r\nHost: x\r\nX: \x01\r\n\r\n', 400],
      ['GET /v1/caf\xe9 HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
      // A body cut short: the client half-closes, so the parser knows no more is coming.
      ['POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"model"', 400, true],
      [`GET /v1/models HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ];
    for (const [request, status, endAfterWrite] of cases) {
      const { responses, trailing, timedOut } = await send(request, endAfterWrite);
      expect({ request: request.slice(0, 40), statuses: responses.map((r) => r.status), trailing, timedOut }).toEqual({
        request: request.slice(0, 40),
        statuses: [status],
        trailing: '',
        timedOut: false,
      });
      expect(JSON.parse(responses[0]?.body ?? '')).toEqual(openAIError('invalid_http'));
    }
  });

  it('answers a request target that is not a URL with a 400, not a 502', async () => {
    const { responses } = await send('GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(responses.map((r) => r.status)).toEqual([400]);
    expect(JSON.parse(responses[0]?.body ?? '')).toEqual(openAIError('invalid_http'));
  });

  it('reads a path starting with // as that path, not as a host name', async () => {
    const { responses } = await send(`GET //v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${testKey}\r\nConnection: close\r\n\r\n`);
    expect(responses.map((r) => r.status)).toEqual([404]);
    expect(JSON.parse(responses[0]?.body ?? '')).toMatchObject({ error: { message: 'No route for GET //v1/models.', code: 'not_found' } });
  });

  it('serves an absolute request target by its path, as HTTP/1.1 allows', async () => {
    const { responses } = await send(`GET http://elsewhere/v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${testKey}\r\nConnection: close\r\n\r\n`);
    expect(responses.map((r) => r.status)).toEqual([200]);
  });

  it('answers oversized headers on a connection that already served a request (as clients pooling connections send them)', async () => {
    const responses = await keepAliveExchange([
      `GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${testKey}\r\n\r\n`,
      `GET /v1/models HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`,
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 431]);
    expect(JSON.parse(responses[1]?.body ?? '')).toEqual(openAIError('invalid_http'));
  });
});

/** Sends each request once the answers to the ones before it are in, on one connection, until the server closes it. */
function keepAliveExchange(requests: string[]): Promise<RawResponse[]> {
  const { hostname, port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let sent = 0;
    const sendNext = () => socket.write(Buffer.from(requests[sent++] ?? '', 'latin1'));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (sent < requests.length && parseResponses(received).responses.length === sent) sendNext();
    });
    socket.on('close', () => resolve(parseResponses(received).responses));
    socket.on('error', reject);
    sendNext();
  });
}
