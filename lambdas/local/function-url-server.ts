import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Writable, type Duplex } from 'node:stream';
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

export interface FunctionUrlServer extends Server {
  /**
   * Resolves once every invocation started so far has returned. A client cut off by a stop
   * leaves its invocation running a little longer (cancelling upstream, then the work left for
   * after the response): what a stop writes last must wait for it.
   */
  invocationsSettled(): Promise<void>;
}

/**
 * Lambda function URLs on node:http: each request becomes the same v2 event Lambda builds and
 * goes to the function `functionFor` picks by path, as CloudFront's behaviours do when deployed.
 * A streaming function's writes go straight to the socket as they happen.
 */
export function functionUrlServer(functionFor: (path: string) => LocalFunction): FunctionUrlServer {
  const responding = new WeakMap<Duplex, ServerResponse>();
  const invocations = new Set<Promise<void>>();
  const server = createServer(serverTimeouts, (req, res) => {
    responding.set(req.socket, res);
    res.once('close', () => responding.get(req.socket) === res && responding.delete(req.socket));
    const invocation = readBody(req)
      .then((body) => {
        if (body === undefined) return refuseOversized(res);
        if (!requestUrl(req.url)) return refuseUnparsable(res);
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
    invocations.add(invocation);
    void invocation.finally(() => invocations.delete(invocation));
  });
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => answerClientError(error, socket, responding.get(socket)));
  return Object.assign(server, { invocationsSettled: async () => void (await Promise.all([...invocations])) });
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
  private corked = false;

  constructor(private readonly res: ServerResponse) {
    super();
  }

  setPrelude(prelude: ResponsePrelude): void {
    this.prelude = prelude;
  }

  private sendHead(): void {
    if (this.res.headersSent) return;
    try {
      this.res.writeHead(this.prelude.statusCode ?? 200, this.prelude.headers ?? {});
    } catch {
      // A header value HTTP cannot carry: the function failed, as Lambda answers that.
      this.res.writeHead(502, { 'content-type': 'application/json' });
      this.res.end(JSON.stringify({ message: 'Internal Server Error' }));
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.corked) {
      // What is written within one turn of the event loop (the head, a whole JSON body and its
      // end, or the several events of one upstream read) goes out in one syscall, not one each.
      this.corked = true;
      this.res.cork();
      setImmediate(() => {
        this.corked = false;
        this.res.uncork();
      });
    }
    this.sendHead();
    if (this.res.writableEnded) return callback();
    const flushed = this.res.write(chunk);
    if (flushed) callback();
    else this.res.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sendHead();
    if (this.res.writableEnded) return callback();
    this.res.end(callback);
  }
}

/** As a function URL gives them: a repeated parameter's values joined with commas. */
function queryStringParameters(search: URLSearchParams): Record<string, string> {
  const parameters = new Map<string, string>();
  for (const [name, value] of search) parameters.set(name, parameters.has(name) ? `${parameters.get(name)},${value}` : value);
  return Object.fromEntries(parameters);
}

function functionUrlEvent(req: IncomingMessage, body: Buffer, requestId: string): LambdaFunctionURLEvent {
  const url = requestUrl(req.url) ?? new URL('http://localhost/');
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
    ...(url.search ? { queryStringParameters: queryStringParameters(url.searchParams) } : {}),
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

/**
 * The request target as Lambda's raw path sees it: `//v1/models` is that path, not the host
 * `v1` that `new URL` would read; an absolute target (`http://host/path`) gives its path.
 * Undefined when the target cannot be read at all (`http://[`).
 */
function requestUrl(target = '/'): URL | undefined {
  try {
    return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
  } catch {
    return undefined;
  }
}

function refuseUnparsable(res: ServerResponse): void {
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify(invalidHttpBody('The request target is not a valid path or URL.')));
}

function invalidHttpBody(message: string) {
  return { error: { message, type: 'invalid_request_error', code: 'invalid_http', param: null } };
}

const clientErrorAnswers: Readonly<Record<string, readonly [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'The request headers are larger than the server accepts (16 KB).'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', 'The chunk extensions are larger than the server accepts.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request was not received in time.'],
};

/** How long a refused connection is read on, so that the client can finish sending and read the refusal. */
const lingerMs = 5_000;
const refused = new WeakSet<Duplex>();

/**
 * What Node's HTTP parser cannot read (a malformed request line or header, a broken chunked
 * body, oversized headers) gets an error in OpenAI's shape, like every error raised before the
 * route is known, instead of Node's bodiless 400. As Node's own answer, only when no response
 * on the connection has started: otherwise the connection is just closed. The rest of the
 * request is read and dropped: closing with unread bytes would reset the connection, and the
 * reset would take the answer with it while the client is still sending (oversized headers).
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex, inFlight: ServerResponse | undefined): void {
  if (refused.has(socket)) return;
  refused.add(socket);
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
  const [status, reason, message] = clientErrorAnswers[error.code ?? ''] ?? [400, 'Bad Request', 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify(invalidHttpBody(message));
  const head = `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close`;
  socket.end(`${head}\r\n\r\n${body}`);
  const linger = setTimeout(() => socket.destroy(), lingerMs);
  socket.once('close', () => clearTimeout(linger));
  socket.once('end', () => socket.destroy());
  socket.resume();
}
