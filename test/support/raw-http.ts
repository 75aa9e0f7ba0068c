import { connect } from 'node:net';

/** One HTTP/1.1 response as read off a socket. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  responses: RawResponse[];
  /** Bytes after the last whole response: a response cut short, or not HTTP at all. */
  trailing: string;
  /** The server neither answered completely nor closed within the time allowed. */
  timedOut: boolean;
}

export interface RawHttpOptions {
  /**
   * Half-close after writing: how a client says a body that is cut short will not go on. Node
   * treats a half-close as a disconnect, so a well-formed request should rather ask for
   * `Connection: close` and let the server end the exchange.
   */
  endAfterWrite?: boolean;
  timeoutMs?: number;
}

/**
 * Writes `bytes` on a fresh connection exactly as given (no client that would refuse or repair
 * them) and reads until the server closes or `timeoutMs` passes.
 */
export function rawHttp(url: string, bytes: Buffer, { endAfterWrite = false, timeoutMs = 10_000 }: RawHttpOptions = {}): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const finish = (timedOut: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponses(Buffer.concat(chunks)), timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => finish(false));
    // A reset after the answer is how some refusals end; what was read is still judged.
    socket.on('error', () => undefined);
    if (endAfterWrite) socket.end(bytes);
    else socket.write(bytes);
  });
}

/** Splits a byte stream into HTTP/1.1 responses (content-length or chunked bodies). */
export function parseResponses(data: Buffer): { responses: RawResponse[]; trailing: string } {
  const responses: RawResponse[] = [];
  let rest = data;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const [statusLine = '', ...headerLines] = rest.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
    if (!status) break;
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const body = readBody(rest.subarray(headEnd + 4), headers);
    if (!body) break;
    responses.push({ status: Number(status), headers, body: body.text });
    rest = body.rest;
  }
  return { responses, trailing: rest.toString('latin1') };
}

function readBody(data: Buffer, headers: Record<string, string>): { text: string; rest: Buffer } | undefined {
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    let rest = data;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size) || rest.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) return { text: Buffer.concat(parts).toString('utf8'), rest: rest.subarray(lineEnd + 4) };
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
  }
  const length = Number(headers['content-length'] ?? (headers.connection === 'close' ? data.length : 0));
  if (data.length < length) return undefined;
  return { text: data.subarray(0, length).toString('utf8'), rest: data.subarray(length) };
}
