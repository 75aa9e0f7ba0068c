export interface SseEvent {
  event: string | undefined;
  data: string;
}

/**
 * Parses a text/event-stream byte stream into events as they complete, per the WHATWG spec
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * LF, CRLF or CR line ends, multi-line data joined with "\n", comment lines ignored.
 */
export async function* parseSse(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | undefined;
  let data: string[] = [];

  function* takeLines(): Generator<SseEvent> {
    for (;;) {
      const lineEnd = buffer.search(/\r\n|\r|\n/);
      if (lineEnd === -1) return;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (buffer[lineEnd] === '\r' && lineEnd === buffer.length - 1) return;
      const line = buffer.slice(0, lineEnd);
      buffer = buffer.slice(lineEnd + (buffer.startsWith('\r\n', lineEnd) ? 2 : 1));
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n') };
        event = undefined;
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
    }
  }

  for await (const chunk of bytes) {
    buffer += decoder.decode(chunk, { stream: true });
    yield* takeLines();
  }
  buffer += decoder.decode();
  if (buffer.length > 0) buffer += '\n\n';
  yield* takeLines();
  if (data.length > 0) yield { event, data: data.join('\n') };
}
