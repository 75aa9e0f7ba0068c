import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSse, SseEventTooLargeError, type SseEvent } from '../../../lambdas/core/sse/parse-sse.js';

/** The events of `text`'s bytes delivered in two chunks, cut at byte `at` (inside a character, say). */
async function parseCut(text: string, at: number): Promise<SseEvent[]> {
  const bytes = new TextEncoder().encode(text);
  async function* split() {
    yield bytes.slice(0, at);
    yield bytes.slice(at);
  }
  return collectEvents(parseSse(split()));
}

async function parse(...pieces: string[]): Promise<SseEvent[]> {
  const encoder = new TextEncoder();
  async function* bytes() {
    for (const piece of pieces) yield encoder.encode(piece);
  }
  const events: SseEvent[] = [];
  for await (const event of parseSse(bytes())) events.push(event);
  return events;
}

describe('parseSse', () => {
  it('yields one event per blank-line-terminated block', async () => {
    expect(await parse('data: {"a":1}\n\ndata: [DONE]\n\n')).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  it('reassembles events split anywhere across chunks, CRLF included', async () => {
    expect(await parse('da', 'ta: hel', 'lo\r', '\n\r\nevent: ping\r\ndata: x\r\n\r\n')).toEqual([
      { event: undefined, data: 'hello' },
      { event: 'ping', data: 'x' },
    ]);
  });

  it('joins multi-line data, skips comments and events without data', async () => {
    expect(await parse(': keep-alive\n\nevent: a\ndata: one\ndata: two\n\nevent: empty\n\n')).toEqual([
      { event: 'a', data: 'one\ntwo' },
    ]);
  });

  it('decodes multi-byte characters split between chunks', async () => {
    expect(await parseCut('data: héllo ✓\n\n', 8)).toEqual([{ event: undefined, data: 'héllo ✓' }]);
  });

  it('ignores a byte order mark at the start of the stream, even split between chunks', async () => {
    expect(await parseCut('\uFEFFdata: first\n\n', 2)).toEqual([{ event: undefined, data: 'first' }]);
    expect(await parse('data: a\n\n\uFEFFdata: b\n\n')).toEqual([{ event: undefined, data: 'a' }]);
  });

  it('delivers a final event that lacks its closing blank line', async () => {
    expect(await parse('data: last')).toEqual([{ event: undefined, data: 'last' }]);
  });
});

describe('parseSse bounds', () => {
  /** Bytes from `pieces`, counting how many the parser has pulled. */
  function counted(pieces: Iterable<string>) {
    const encoder = new TextEncoder();
    const pulled = { count: 0, released: false };
    async function* bytes() {
      try {
        for (const piece of pieces) {
          pulled.count++;
          yield encoder.encode(piece);
        }
      } finally {
        pulled.released = true;
      }
    }
    return { bytes: bytes(), pulled };
  }

  function* endlessLine(): Generator<string> {
    yield 'data: ';
    for (;;) yield 'x'.repeat(1024);
  }

  it('refuses an event growing past the bound while its line is still arriving, and stops reading', async () => {
    const { bytes, pulled } = counted(endlessLine());
    const error = await collectEvents(parseSse(bytes, 10 * 1024)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SseEventTooLargeError);
    expect(pulled.count).toBeLessThanOrEqual(12);
    expect(pulled.released).toBe(true);
  });

  it('counts every data line of an event against the bound, and only the current event', async () => {
    const line = `data: ${'y'.repeat(100)}\n`;
    const within = await collectEvents(parseSse(counted([line.repeat(9), '\n', line.repeat(9), '\n']).bytes, 1000));
    expect(within).toHaveLength(2);
    const over = await collectEvents(parseSse(counted([line.repeat(11), '\n']).bytes, 1000)).catch((thrown: unknown) => thrown);
    expect(over).toBeInstanceOf(SseEventTooLargeError);
  });

  // The quadratic parser this replaced took about two minutes here; this one takes about a second.
  it('parses a 256 KiB line delivered one byte at a time, scanning each byte once', { timeout: 60_000 }, async () => {
    const size = 256 * 1024;
    const encoder = new TextEncoder();
    const byte = encoder.encode('z');
    async function* oneByteAtATime() {
      yield encoder.encode('data: ');
      for (let i = 0; i < size; i++) yield byte;
      yield encoder.encode('\n\n');
    }
    const events = await collectEvents(parseSse(oneByteAtATime()));
    expect(events).toHaveLength(1);
    expect(events[0]?.data.length).toBe(size);
  });

  it('keeps a CRLF split by an empty chunk as one line end', async () => {
    const encoder = new TextEncoder();
    async function* split() {
      yield encoder.encode('data: a\r');
      yield new Uint8Array(0);
      yield encoder.encode('\ndata: b\r\n\r\n');
    }
    expect(await collectEvents(parseSse(split()))).toEqual([{ event: undefined, data: 'a\nb' }]);
  });
});

async function collectEvents(events: AsyncIterable<SseEvent>): Promise<SseEvent[]> {
  const all: SseEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/**
 * The spec's algorithm read literally, over the whole text at once: the oracle the streaming
 * parser must agree with however its bytes are cut.
 */
function referenceEvents(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let event: string | undefined;
  let data: string[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  // What follows the last line end is an unfinished line: taken as a line only at the end of the stream.
  for (const [index, line] of lines.entries()) {
    const last = index === lines.length - 1;
    if (line === '') {
      if (!last && data.length > 0) events.push({ event, data: data.join('\n') });
      if (!last) {
        event = undefined;
        data = [];
      }
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  if (data.length > 0) events.push({ event, data: data.join('\n') });
  return events;
}

describe('parseSse against the spec, however the bytes are cut', () => {
  const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
  const text = fc.string({ unit: fc.constantFrom('a', 'é', '✓', '😀', ' ', ':', 'data', 'event'), maxLength: 12 });
  const line = fc.oneof(
    text.map((value) => `data: ${value}`),
    text.map((value) => `data:${value}`),
    text.map((value) => `event: ${value}`),
    text.map((value) => `: ${value}`),
    fc.constant('data'),
    fc.constant(''),
    text,
  );
  const stream = fc.array(fc.tuple(line, lineEnd), { maxLength: 20 }).map((lines) => lines.map(([content, end]) => content + end).join(''));

  it('yields the events the spec reads from the whole text, for any cut into byte chunks', async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.array(fc.nat(), { maxLength: 8 }), async (whole, cuts) => {
        const bytes = new TextEncoder().encode(whole);
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        async function* pieces() {
          let from = 0;
          for (const point of points) {
            yield bytes.slice(from, point);
            from = point;
          }
          yield bytes.slice(from);
        }
        expect(await collectEvents(parseSse(pieces()))).toEqual(referenceEvents(whole));
      }),
      { numRuns: 500 },
    );
  });
});
