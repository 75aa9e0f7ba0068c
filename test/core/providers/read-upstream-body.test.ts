import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../lambdas/core/errors.js';
import { readBodyText, readJson, upstreamEvents } from '../../../lambdas/core/providers/read-upstream-body.js';
import { maxEventSize, maxResponseBytes } from '../../../lambdas/core/providers/upstream-limits.js';
import { HttpTransportError, type HttpResponse } from '../../../lambdas/ports/http-client.js';
import { collect } from '../../support/collect.js';

/** A body of `chunks` (then, if given, an endless run of `forever`), recording how it was read. */
function body(chunks: Array<string | Uint8Array>, options: { forever?: Uint8Array; fail?: Error } = {}) {
  const read = { chunks: 0, released: false };
  const encoder = new TextEncoder();
  async function* bytes(): AsyncGenerator<Uint8Array> {
    try {
      for (const chunk of chunks) {
        read.chunks++;
        yield typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      }
      if (options.fail) throw options.fail;
      while (options.forever) {
        read.chunks++;
        yield options.forever;
      }
    } finally {
      read.released = true;
    }
  }
  const response: HttpResponse = { status: 200, headers: {}, body: bytes() };
  return { response, read };
}

const megabyte = new Uint8Array(1024 * 1024).fill(0x20);

describe('reading upstream bodies', () => {
  it('reads a body whole when it fits, multi-byte characters split across chunks included', async () => {
    const euro = new TextEncoder().encode('"€"');
    expect(await readBodyText(body([euro.slice(0, 2), euro.slice(2)]).response.body, 10)).toBe('"€"');
  });

  it('reads JSON that starts with a byte order mark', async () => {
    expect(await readJson('openai', body(['\uFEFF{"ok":', 'true}']).response)).toEqual({ ok: true });
  });

  it('stops reading a body at its bound and releases it', async () => {
    const { response, read } = body([], { forever: megabyte });
    expect(await readBodyText(response.body, 3 * 1024 * 1024)).toBeUndefined();
    expect(read.chunks).toBe(4);
    expect(read.released).toBe(true);
  });

  it('refuses a JSON answer over the bound as a retryable 502 without reading it all', async () => {
    const { response, read } = body([], { forever: megabyte });
    const error = await readJson('openai', response).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'server', status: 502, retryable: true, message: 'openai sent a response larger than the gateway reads (64 MiB).' });
    expect(read.chunks).toBe(maxResponseBytes / megabyte.length + 1);
    expect(read.released).toBe(true);
  });

  it('reports an empty 200, garbage and a gzip-compressed answer as unreadable (502)', async () => {
    const gzipped = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x03, 0x00]);
    for (const chunks of [[], ['<html>oops</html>'], [gzipped]]) {
      const error = await readJson('openai', body(chunks).response).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ kind: 'server', status: 502, message: 'openai returned a response the gateway could not read.' });
    }
  });

  it('classifies a reset or a deadline while reading as a connection failure or a timeout', async () => {
    const reset = await readJson('openai', body(['{"id'], { fail: new HttpTransportError('connection', 'reset') }).response).catch((thrown: unknown) => thrown);
    expect(reset).toMatchObject({ kind: 'connection', status: 502, retryable: true });
    const late = await readJson('openai', body(['{"id'], { fail: new HttpTransportError('timeout', 'late') }).response).catch((thrown: unknown) => thrown);
    expect(late).toMatchObject({ kind: 'timeout', status: 504, retryable: true });
  });

  it('refuses a stream event over the bound as a retryable 502 as soon as it passes it', async () => {
    const { response, read } = body(['data: {"a":1}\n\n', 'data: "'], { forever: megabyte });
    const received: unknown[] = [];
    const error = await (async () => {
      for await (const event of upstreamEvents('openai', response)) received.push(event);
    })().catch((thrown: unknown) => thrown);
    expect(received).toEqual([{ event: undefined, data: '{"a":1}' }]);
    expect(error).toMatchObject({ kind: 'server', status: 502, retryable: true, message: 'openai sent a stream event larger than the gateway reads (8 MiB).' });
    expect(read.chunks).toBeLessThanOrEqual(2 + maxEventSize / megabyte.length + 1);
    expect(read.released).toBe(true);
  });

  it('classifies a stream cut by a reset like any other connection failure', async () => {
    const { response } = body(['data: {"a":1}\n\n'], { fail: new HttpTransportError('connection', 'reset') });
    const error = await collect(upstreamEvents('anthropic', response)).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ kind: 'connection', status: 502, message: 'Could not reach anthropic: the connection failed.' });
  });
});
