import '../../lambdas/local/lambda-streaming-shim.js';
import { Writable } from 'node:stream';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRouterHandler } from '../../lambdas/handlers/router-handler.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

// The router handler as the Lambda runtime calls it: an event in, a response stream out, and
// response streams that fail the way a client that leaves makes them fail.
const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), SWITCHBOARD_HEADERS_TIMEOUT_MS: '60000' });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

function event(body: unknown): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/v1/chat/completions',
    rawQueryString: '',
    headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'test',
      http: { method: 'POST', path: '/v1/chat/completions', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req',
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** A response stream that fails on its `failAt`-th write, as a socket whose client left does. */
class ResponseStream extends Writable {
  readonly written: string[] = [];
  prelude: unknown;

  constructor(private readonly failAt = Infinity) {
    super();
  }

  setPrelude(prelude: unknown): void {
    this.prelude = prelude;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.written.length + 1 >= this.failAt) return callback(new Error('the client went away'));
    this.written.push(chunk.toString());
    callback();
  }
}

const context = { awsRequestId: 'req', functionName: 'switchboard-test' } as Context;
const ask = (model: string, stream: boolean) => event({ model, messages: [{ role: 'user', content: 'Hi' }], stream });

describe('the router handler on a response stream that fails', () => {
  it('ends only that invocation, quietly, runs the work left for after it, and serves the next one', async () => {
    const afterResponse = vi.fn(async () => undefined);
    const handler = createRouterHandler(async () => ({ deps: gateway.deps, afterResponse }));

    const failing = new ResponseStream(3);
    await expect(handler(ask('mock/lorem-2000', true), failing, context)).resolves.toBeUndefined();
    expect(failing.written.length).toBeLessThan(3);
    expect(afterResponse).toHaveBeenCalledTimes(1);

    const healthy = new ResponseStream();
    await handler(ask('mock/echo', false), healthy, context);
    expect(JSON.parse(healthy.written.join('')).choices[0].message.content).toBe('Hi');
    expect(afterResponse).toHaveBeenCalledTimes(2);
  });

  it('cancels the upstream call at once when the stream is destroyed before the first byte', async () => {
    const handler = createRouterHandler(async () => ({ deps: gateway.deps }));
    const gone = new ResponseStream();
    const closed = upstream.nextEarlyClose();
    const asked = upstream.requests.length;
    const served = handler(ask('openai/hang', true), gone, context);
    await vi.waitFor(() => expect(upstream.requests.length).toBeGreaterThan(asked), { timeout: 10_000 });
    gone.destroy(new Error('the client went away'));
    await closed;
    await expect(served).resolves.toBeUndefined();
  });
});
