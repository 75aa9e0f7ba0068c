import { Agent, errors, request } from 'undici';
import { HttpTransportError, type HttpClient, type HttpResponse } from '../../ports/http-client.js';

/**
 * HttpClient on undici's pooled `request`: several times cheaper per call than global fetch,
 * which matters on a hot path that adds nothing but a hop. One agent keeps connections to each
 * upstream alive across invocations of a warm Lambda.
 */
export function undiciHttpClient(agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 })): HttpClient {
  return async (upstream) => {
    // undici's own headersTimeout runs on a coarse timer (up to a second late); failover waits on
    // this limit, so it gets a precise timer of its own. The caller's signal still cancels.
    const controller = new AbortController();
    const cancel = () => controller.abort();
    upstream.signal?.addEventListener('abort', cancel, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, upstream.firstByteTimeoutMs);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(upstream.url, {
        method: upstream.method,
        headers: upstream.headers,
        body: upstream.body,
        signal: controller.signal,
        dispatcher: agent,
        headersTimeout: 0,
        bodyTimeout: upstream.idleTimeoutMs,
      });
    } catch (error) {
      upstream.signal?.removeEventListener('abort', cancel);
      throw timedOut ? new HttpTransportError('timeout', 'The upstream did not answer in time.', { cause: error }) : toTransportError(error);
    } finally {
      clearTimeout(timer);
    }
    const { body } = response;
    return {
      status: response.statusCode,
      headers: flattenHeaders(response.headers),
      body: mapBodyErrors(body),
      text: () => body.text().catch((error: unknown) => Promise.reject(toTransportError(error))),
    } satisfies HttpResponse;
  };
}

async function* mapBodyErrors(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (error) {
    throw toTransportError(error);
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
