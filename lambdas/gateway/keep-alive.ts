import type { ChatCompletionChunk } from '../core/schemas/openai-chat-response.js';

export const keepAlive = Symbol('keep-alive');
export type WithKeepAlive<T> = T | typeof keepAlive;
export type StreamItem = WithKeepAlive<ChatCompletionChunk>;

/** Settles with whether `promise` settled within `ms` (rejecting if it rejected), clearing its timer. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The items of `source`, with a keep-alive marker whenever it has been silent for `intervalMs`:
 * CloudFront cuts an origin that sends nothing for its read timeout, and a model can pause for
 * long between tokens. One timer per stream, re-armed with `refresh()`: a timer per chunk cost
 * more than the chunk.
 */
export async function* withKeepAlive<T>(source: AsyncIterator<T>, intervalMs: number): AsyncGenerator<WithKeepAlive<T>> {
  let next = source.next();
  let wake: ((silence: typeof keepAlive) => void) | undefined;
  const timer = setTimeout(() => wake?.(keepAlive), intervalMs).unref();
  try {
    for (;;) {
      timer.refresh();
      const item = await new Promise<IteratorResult<T> | typeof keepAlive>((resolve, reject) => {
        wake = resolve;
        next.then(resolve, reject);
      });
      wake = undefined;
      if (item === keepAlive) {
        yield keepAlive;
        continue;
      }
      if (item.done) return;
      yield item.value;
      next = source.next();
    }
  } finally {
    clearTimeout(timer);
    // A pending read of a stream the client left must not surface as an unhandled rejection.
    next.catch(() => undefined);
    source.return?.().catch(() => undefined);
  }
}
