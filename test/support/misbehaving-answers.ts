import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/**
 * Ways a provider can misbehave on the wire, for the mock upstreams: each writes its answer as a
 * broken or hostile provider would, and stops writing once the gateway closes the connection.
 */

/** Writes `pieces` in order, waiting whenever the socket is full; stops if the connection closes. */
export async function writeAll(res: ServerResponse, pieces: Iterable<string | Uint8Array>): Promise<void> {
  for (const piece of pieces) {
    if (res.destroyed) return;
    if (!res.write(piece)) await drainedOrClosed(res);
  }
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Calls `tick` every `intervalMs` until the connection closes: a body that never ends. */
export function everyUntilClosed(res: ServerResponse, intervalMs: number, tick: (count: number) => void): void {
  let count = 0;
  const timer = setInterval(() => {
    if (res.destroyed) clearInterval(timer);
    else tick(count++);
  }, intervalMs);
  res.once('close', () => clearInterval(timer));
}

/** Sends `text` one byte a second (or every `intervalMs`), then ends. */
export function drip(res: ServerResponse, text: string, intervalMs = 1_000): void {
  const bytes = Buffer.from(text);
  everyUntilClosed(res, intervalMs, (count) => {
    if (count < bytes.length) res.write(bytes.subarray(count, count + 1));
    else res.end();
  });
}

/** `size` characters of `fill` in 1 MiB pieces, as an iterable, so nothing that large is built at once. */
export function* repeated(fill: string, size: number): Generator<string> {
  const piece = fill.repeat(Math.ceil((1024 * 1024) / fill.length)).slice(0, 1024 * 1024);
  for (let left = size; left > 0; left -= piece.length) yield left >= piece.length ? piece : piece.slice(0, left);
}

/** Deterministic bytes that are neither text nor the provider's format. */
export function garbage(size = 64 * 1024): Buffer {
  const bytes = Buffer.alloc(size);
  let state = 0x2545f491;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

let bomb: Buffer | undefined;

/**
 * A gzip body about 1 MB on the wire that inflates to 1 GiB of zeros: sixteen gzip members of
 * 64 MiB each (a gzip stream may hold several, and inflaters read them all).
 */
export function gzipBomb(): Buffer {
  if (!bomb) {
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
  }
  return bomb;
}

/** Bytes a gzip bomb inflates to. */
export const gzipBombInflatedBytes = 16 * 64 * 1024 * 1024;
