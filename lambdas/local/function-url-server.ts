import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { ResponsePrelude, StreamingHandler, StreamingResponseStream } from './lambda-streaming-shim.js';

/** Lambda refuses larger invocation payloads before the function runs. */
const lambdaPayloadLimitBytes = 6 * 1024 * 1024;

/**
 * What a slow or stalled client may hold: its headers must arrive within 10 s and its whole
 * request within 30 s (checked every second), so clients that never finish cannot pile up.
 * Idle keep-alive connections are kept for 65 s, well past the few seconds HTTP clients keep
 * theirs: a client reusing a connection never races the server closing it.
 */
const serverTimeouts = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 65_000,
  connectionsCheckingInterval: 1_000,
};

export type BufferedHandler = (event: LambdaFunctionURLEvent, context: unknown) => Promise<LambdaFunctionURLResult>;

/** A function behind a URL, in one of the two invoke modes function URLs have. */
export type LocalFunction =
  | { invokeMode: 'RESPONSE_STREAM'; handler: StreamingHandler }
  | { invokeMode: 'BUFFERED'; handler: BufferedHandler };

/**
 * Lambda function URLs on node:http: each request becomes the same v2 event Lambda builds and
 * goes to the function `functionFor` picks by path, as CloudFront's behaviours do when deployed.
 * A streaming function's writes go straight to the socket as they happen.
 */
export function functionUrlServer(functionFor: (path: string) => LocalFunction): Server {
  return createServer(serverTimeouts, (req, res) => {
    readBody(req)
      .then((body) => {
        if (body === undefined) return refuseOversized(res);
        const requestId = randomUUID();
        const event = functionUrlEvent(req, body, requestId);
        const target = functionFor(event.rawPath);
        const context = { awsRequestId: requestId, functionName: 'switchboard-local' };
        return target.invokeMode === 'RESPONSE_STREAM'
          ? invokeStreaming(target.handler, event, context, res)
          : invokeBuffered(target.handler, event, context, res);
      })
      .catch(() => {
        // As Lambda does when a function fails; after a client disconnect there is no one to tell.
        if (res.writableEnded || res.destroyed) return;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal Server Error' }));
      });
  });
}

async function invokeStreaming(
  handler: StreamingHandler,
  event: LambdaFunctionURLEvent,
  context: unknown,
  res: ServerResponse,
): Promise<void> {
  const responseStream = new FunctionUrlResponseStream(res);
  // A client that leaves ends the stream without an error event: nothing may be left to throw,
  // whether or not the function has started writing yet; the function sees its stream closed.
  res.on('close', () => {
    if (!res.writableFinished) responseStream.destroy();
  });
  await handler(event, responseStream, context);
}

async function invokeBuffered(
  handler: BufferedHandler,
  event: LambdaFunctionURLEvent,
  context: unknown,
  res: ServerResponse,
): Promise<void> {
  const raw = await handler(event, context);
  // Lambda sends a bare string result as a JSON body with status 200.
  const result = typeof raw === 'string' ? { statusCode: 200, headers: { 'content-type': 'application/json' }, body: raw } : raw;
  const body = result.body ?? '';
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]));
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

class FunctionUrlResponseStream extends Writable implements StreamingResponseStream {
  private prelude: ResponsePrelude = {};

  constructor(private readonly res: ServerResponse) {
    super();
  }

  setPrelude(prelude: ResponsePrelude): void {
    this.prelude = prelude;
  }

  private sendHead(): void {
    if (this.res.headersSent) return;
    this.res.writeHead(this.prelude.statusCode ?? 200, this.prelude.headers ?? {});
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.res.headersSent) {
      // Head, a whole JSON body and the end usually arrive within one turn of the event loop:
      // holding them until then sends them in one syscall. `end()` uncorks by itself.
      this.res.cork();
      setImmediate(() => this.res.uncork());
      this.sendHead();
    }
    const flushed = this.res.write(chunk);
    if (flushed) callback();
    else this.res.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sendHead();
    this.res.end(callback);
  }
}

function functionUrlEvent(req: IncomingMessage, body: Buffer, requestId: string): LambdaFunctionURLEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  const textual = /json|text|xml|x-www-form-urlencoded/.test(headers['content-type'] ?? 'application/json');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split('; ') } : {}),
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual }
      : { isBase64Encoded: false }),
  };
}

/**
 * Resolves to undefined as soon as the body is over Lambda's payload limit; the rest is drained
 * unbuffered so the client still reads the 413 instead of a reset connection.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= lambdaPayloadLimitBytes) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      resolve(undefined);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    // A client that gives up while uploading: the request is dropped, and nothing waits on it.
    req.on('close', () => {
      if (!req.complete) reject(new Error('client disconnected while uploading'));
    });
  });
}

function refuseOversized(res: ServerResponse): void {
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
  res.end(
    JSON.stringify({
      error: {
        message: `The request body is larger than Lambda's limit of ${lambdaPayloadLimitBytes} bytes.`,
        type: 'invalid_request_error',
        code: 'payload_too_large',
        param: null,
      },
    }),
  );
}
