import type { Writable } from 'node:stream';
import type { GatewayResponse } from '../gateway/gateway-http.js';

/**
 * Writes a response to Lambda's response stream: its prelude (status and headers), then the body,
 * a string at once or an iterable piece by piece as it yields, waiting for the stream to drain.
 * Written directly, not through a Readable and `stream.pipeline`, which cost every request an
 * AbortController, its DOMException and a dozen listeners. A client that leaves (`left` aborts)
 * cancels the upstream work at once, even while the next piece is awaited, and the writing ends
 * quietly; a body that fails destroys the stream, as a pipeline would, and the failure is thrown.
 */
export async function writeResponse(response: GatewayResponse, responseStream: Writable, left: AbortSignal): Promise<void> {
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: response.status, headers: response.headers });
  if (typeof response.body === 'string') return end(stream, response.body);
  const pieces = response.body[Symbol.asyncIterator]();
  const cancel = () => {
    response.cancel?.();
    // Runs once the piece being awaited settles (an async generator finishes one step at a time).
    pieces.return?.().catch(() => undefined);
  };
  if (left.aborted) return cancel();
  left.addEventListener('abort', cancel, { once: true });
  try {
    for (let next = await pieces.next(); !next.done && !left.aborted; next = await pieces.next()) {
      if (!stream.write(next.value)) await drained(stream, left);
    }
    if (!left.aborted) await end(stream);
  } catch (error) {
    stream.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    left.removeEventListener('abort', cancel);
  }
}

/** Resolves when the stream has taken all of it (or failed: a client that left is told by `left`). */
function end(stream: Writable, last?: string): Promise<void> {
  return new Promise((resolve) => {
    if (last) stream.end(last, () => resolve());
    else stream.end(() => resolve());
  });
}

function drained(stream: Writable, left: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      left.removeEventListener('abort', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    left.addEventListener('abort', done, { once: true });
  });
}
