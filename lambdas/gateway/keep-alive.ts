import type { ChatCompletionChunk } from '../core/schemas/openai-chat-response.js';

export const keepAlive = Symbol('keep-alive');
export type StreamItem = ChatCompletionChunk | typeof keepAlive;

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
 * The chunks of a stream whose first `next()` is already under way, with a keep-alive marker
 * whenever the upstream has been silent for `intervalMs`: CloudFront cuts an origin that sends
 * nothing for its read timeout, and a reasoning model can think for minutes before its first token.
 * One timer per stream, re-armed with `refresh()`: a timer per chunk cost more than the chunk.
 */
export async function* withKeepAlive(
  iterator: AsyncIterator<ChatCompletionChunk>,
  first: Promise<IteratorResult<ChatCompletionChunk>>,
  intervalMs: number,
): AsyncGenerator<StreamItem> {
  let next = first;
  let wake: ((silence: typeof keepAlive) => void) | undefined;
  const timer = setTimeout(() => wake?.(keepAlive), intervalMs).unref();
  try {
    for (;;) {
      timer.refresh();
      const item = await new Promise<IteratorResult<ChatCompletionChunk> | typeof keepAlive>((resolve, reject) => {
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
      next = iterator.next();
    }
  } finally {
    clearTimeout(timer);
    // A pending read of a stream the client left must not surface as an unhandled rejection.
    next.catch(() => undefined);
  }
}
