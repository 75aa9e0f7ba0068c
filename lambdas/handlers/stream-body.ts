import { Readable } from 'node:stream';

/**
 * A Node stream over an async iterable that honours backpressure and, unlike Readable.from,
 * calls `cancel` the moment it is destroyed (a client disconnect) instead of after the pending
 * upstream read settles, so the upstream request is aborted at once.
 */
export function streamBody(source: AsyncIterable<string>, cancel: (() => void) | undefined): Readable {
  const iterator = source[Symbol.asyncIterator]();
  let pulling = false;
  return new Readable({
    async read() {
      if (pulling) return;
      pulling = true;
      try {
        for (;;) {
          const next = await iterator.next();
          if (this.destroyed) return;
          if (next.done) {
            this.push(null);
            return;
          }
          if (!this.push(next.value)) return;
        }
      } catch (error) {
        this.destroy(error instanceof Error ? error : new Error(String(error)));
      } finally {
        pulling = false;
      }
    },
    destroy(error, callback) {
      if (!this.readableEnded) cancel?.();
      iterator.return?.().catch(() => undefined);
      callback(error);
    },
  });
}
