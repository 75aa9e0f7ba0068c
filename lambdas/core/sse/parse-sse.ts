export interface SseEvent {
  event: string | undefined;
  data: string;
}

/** An event grew past the parser's bound before it ended. */
export class SseEventTooLargeError extends Error {
  constructor(readonly maxEventLength: number) {
    super(`A stream event exceeded ${maxEventLength} characters.`);
    this.name = 'SseEventTooLargeError';
  }
}

/**
 * Parses a text/event-stream byte stream into events as they complete, per the WHATWG spec
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * LF, CRLF or CR line ends, multi-line data joined with "\n", comment lines ignored.
 *
 * Each chunk is scanned once, so a line that arrives a byte at a time costs linear time, and an
 * event (its data so far plus the unfinished line) longer than `maxEventLength` characters
 * throws SseEventTooLargeError as soon as it grows past it, whatever the upstream sends.
 */
export async function* parseSse(bytes: AsyncIterable<Uint8Array>, maxEventLength = Infinity): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const lineBreak = /[\r\n]/g;
  /** The unfinished line: chunks are appended (V8 keeps them as a rope) and never searched. */
  let partial = '';
  /** The previous chunk ended with CR: an LF starting the next one belongs to that line end. */
  let afterCr = false;
  let event: string | undefined;
  let data: string[] = [];
  let dataLength = 0;

  /** Takes one complete line; returns the event a blank line completes. */
  const takeLine = (line: string): SseEvent | undefined => {
    if (line === '') {
      const complete = data.length > 0 ? { event, data: data.join('\n') } : undefined;
      event = undefined;
      data = [];
      dataLength = 0;
      return complete;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      data.push(value);
      dataLength += value.length + 1;
      if (dataLength > maxEventLength) throw new SseEventTooLargeError(maxEventLength);
    } else if (field === 'event') event = value;
    return undefined;
  };

  function* takeText(text: string): Generator<SseEvent> {
    if (text === '') return;
    let start = 0;
    if (afterCr && text.startsWith('\n')) start = 1;
    afterCr = false;
    lineBreak.lastIndex = start;
    for (let found = lineBreak.exec(text); found; found = lineBreak.exec(text)) {
      const end = found.index;
      const line = partial === '' ? text.slice(start, end) : partial + text.slice(start, end);
      partial = '';
      start = end + 1;
      if (text[end] === '\r') {
        if (end + 1 === text.length) afterCr = true;
        else if (text[end + 1] === '\n') start++;
      }
      lineBreak.lastIndex = start;
      const complete = takeLine(line);
      if (complete) yield complete;
    }
    if (start < text.length) partial += text.slice(start);
    if (dataLength + partial.length > maxEventLength) throw new SseEventTooLargeError(maxEventLength);
  }

  for await (const chunk of bytes) yield* takeText(decoder.decode(chunk, { stream: true }));
  yield* takeText(decoder.decode());
  // A last event without its closing blank line is still delivered.
  if (partial !== '') takeLine(partial);
  if (data.length > 0) yield { event, data: data.join('\n') };
}
