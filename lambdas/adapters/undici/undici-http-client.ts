import { Agent, errors, request, type Dispatcher } from 'undici';
import { HttpTransportError, type HttpClient, type HttpResponse } from '../../ports/http-client.js';

/**
 * HttpClient on undici's pooled `request`: several times cheaper per call than global fetch,
 * which matters on a hot path that adds nothing but a hop. One agent keeps connections to each
 * upstream alive across invocations of a warm Lambda. `request` sends no accept-encoding and
 * never decompresses, so a compression bomb reaches the core as the few bytes it is.
 */
const coarseTimerSlackMs = 1_000;
/**
 * How long, and how much of, the rest of a body its reader left is read for its connection's
 * sake before it is dropped: enough for the end of an answer, never for a body the reader left
 * because it was too large.
 */
const restOfBodyWithinMs = 1_000;
const restOfBodyMaxBytes = 64 * 1024;

export function undiciHttpClient(agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 })): HttpClient {
  return async (upstream) => {
    // Passing a signal costs undici ~10 µs per call, so only cancellable calls (streams) get one.
    const controller = upstream.signal ? new AbortController() : undefined;
    // Removed once the call is over: a signal that never fires (a long-lived one especially)
    // would otherwise keep the listener, and the whole response it reaches, for good.
    const onAbort = () => controller?.abort();
    upstream.signal?.addEventListener('abort', onAbort, { once: true });
    const forget = () => upstream.signal?.removeEventListener('abort', onAbort);
    const headersWithinMs = Math.max(1, Math.min(upstream.headersTimeoutMs, upstream.deadlineAt - Date.now()));
    const pending = request(upstream.url, {
      method: upstream.method,
      headers: upstream.headers,
      body: upstream.bodyBytes ?? upstream.body,
      ...(controller ? { signal: controller.signal } : {}),
      dispatcher: agent,
      // undici's own timer is coarse (up to a second late): it only reclaims the connection;
      // the precise limit that failover waits on is the timer below.
      headersTimeout: headersWithinMs + coarseTimerSlackMs,
      bodyTimeout: upstream.idleTimeoutMs,
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller?.abort();
        reject(new HttpTransportError('timeout', 'The upstream did not answer in time.'));
      }, headersWithinMs);
    });
    let response: Awaited<typeof pending>;
    try {
      response = await Promise.race([pending, timedOut]);
    } catch (error) {
      // A late answer to an abandoned call is read away so its connection returns to the pool.
      pending.then((late) => late.body.dump(), () => undefined);
      forget();
      throw toTransportError(error);
    } finally {
      clearTimeout(timer);
    }
    const { body } = response;
    // The body must be over by the deadline, read or not: a stream that never ends, one that
    // drips a byte a second, or a body nobody reads, is destroyed then, releasing its socket.
    const deadline = setTimeout(
      () => body.destroy(new HttpTransportError('timeout', 'The upstream did not finish its answer in time.')),
      Math.max(0, upstream.deadlineAt - Date.now()),
    ).unref();
    body.once('close', () => {
      clearTimeout(deadline);
      forget();
    });
    // Errors reach whoever reads the body; one nobody reads yet must not crash the process.
    body.on('error', () => undefined);
    return {
      status: response.statusCode,
      headers: flattenHeaders(response.headers),
      body: mapBodyErrors(body),
    } satisfies HttpResponse;
  };
}

/**
 * The body's bytes, transport errors classified. A reader that leaves early (a stream's end
 * marker read, the body's own end not yet) would destroy the body, and Node makes that an
 * AbortError whose stack it formats (with source maps: most of the cost) on every request, and
 * the connection would be lost. Instead the rest is let flow: a finished answer whose last
 * bytes (HTTP's end of a chunked body, often a packet of its own after the end marker) come
 * within `restOfBodyWithinMs` keeps its connection for the next call, which to a provider means
 * no new TLS handshake; one that has not ended by then, or sends more than `restOfBodyMaxBytes`,
 * is destroyed (a cancelled call is aborted by its signal anyway).
 */
async function* mapBodyErrors(body: Dispatcher.ResponseData['body']): AsyncGenerator<Uint8Array> {
  let ended = false;
  try {
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>) yield chunk;
    ended = true;
  } catch (error) {
    throw toTransportError(error);
  } finally {
    if (!ended && !body.destroyed) {
      let rest = 0;
      body.on('data', (chunk: Buffer) => {
        rest += chunk.length;
        if (rest > restOfBodyMaxBytes) body.destroy();
      });
      const linger = setTimeout(() => body.destroy(), restOfBodyWithinMs).unref();
      body.once('close', () => clearTimeout(linger));
    }
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function toTransportError(error: unknown): unknown {
  if (error instanceof HttpTransportError) return error;
  if (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  ) {
    return new HttpTransportError('timeout', 'The upstream did not answer in time.', { cause: error });
  }
  if (error instanceof Error && (error.name === 'AbortError' || error instanceof errors.RequestAbortedError)) {
    return new HttpTransportError('aborted', 'The request was cancelled.', { cause: error });
  }
  if (error instanceof errors.UndiciError || (error instanceof Error && 'code' in error)) {
    return new HttpTransportError('connection', 'The connection to the upstream failed.', { cause: error });
  }
  return error;
}
