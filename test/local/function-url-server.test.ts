import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { functionUrlServer } from '../../lambdas/local/function-url-server.js';
import type { StreamingHandler } from '../../lambdas/local/lambda-streaming-shim.js';

describe('the function URL emulator stopping', () => {
  it('tells when the invocations of clients it cut off have returned, so a stop writes their work last', async () => {
    let started: () => void = () => undefined;
    const invoked = new Promise<void>((resolve) => (started = resolve));
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    // A function that keeps working after its client has gone, as the router settling usage does.
    const handler: StreamingHandler = async (_event, responseStream) => {
      responseStream.write('partial');
      started();
      await finished;
      responseStream.end();
    };
    const server = functionUrlServer(() => ({ invokeMode: 'RESPONSE_STREAM', handler }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = request({ port: (server.address() as AddressInfo).port, path: '/v1/chat/completions', method: 'POST' });
    client.on('error', () => undefined);
    client.end('{}');
    await invoked;

    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    let settled = false;
    const settling = server.invocationsSettled().then(() => (settled = true));
    // The connection is gone, the invocation is not: nothing resolves until it returns.
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    finish();
    await settling;
    expect(settled).toBe(true);
    await expect(server.invocationsSettled()).resolves.toBeUndefined();
  });
});
