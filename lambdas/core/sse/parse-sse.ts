import { StringDecoder } from 'node:string_decoder';

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
  // Node's decoder: a third of TextDecoder's cost per chunk, multi-byte characters split between chunks alike.
  const decoder = new StringDecoder('utf8');
  const lines = new SseLines(maxEventLength);
  let first = true;
  for await (const chunk of bytes) {
    const text = decoder.write(chunk);
    // The events a chunk completes, yielded from an array: a generator per chunk costs more than the events.
    for (const event of lines.take(first ? withoutByteOrderMark(text) : text)) yield event;
    if (text !== '') first = false;
  }
  for (const event of lines.take(decoder.end())) yield event;
  const last = lines.end();
  if (last) yield last;
}

/** A text without the byte order mark it may start with, which a stream's decoding ignores (as TextDecoder does). */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const noEvents: readonly SseEvent[] = [];
const lf = 10;
const cr = 13;

/** The parser's state between chunks: the unfinished line and the event being built. */
class SseLines {
  /** The unfinished line: chunks are appended (V8 keeps them as a rope) and never searched. */
  private partial = '';
  /** The previous chunk ended with CR: an LF starting the next one belongs to that line end. */
  private afterCr = false;
  private event: string | undefined;
  private data: string[] = [];
  private dataLength = 0;

  constructor(private readonly maxEventLength: number) {}

  /** The events the text completes, in order. */
  take(text: string): readonly SseEvent[] {
    if (text === '') return noEvents;
    let events: SseEvent[] | undefined;
    let start = this.afterCr && text.charCodeAt(0) === lf ? 1 : 0;
    this.afterCr = false;
    // Most streams end lines with LF alone: found by indexOf; a CR anywhere takes the general scan.
    const crFree = text.indexOf('\r', start) === -1;
    for (let end = crFree ? text.indexOf('\n', start) : lineEnd(text, start); end !== -1; end = crFree ? text.indexOf('\n', start) : lineEnd(text, start)) {
      const line = this.partial === '' ? text.slice(start, end) : this.partial + text.slice(start, end);
      this.partial = '';
      start = end + 1;
      if (text.charCodeAt(end) === cr) {
        if (end + 1 === text.length) this.afterCr = true;
        else if (text.charCodeAt(end + 1) === lf) start++;
      }
      const complete = this.line(line);
      if (complete) (events ??= []).push(complete);
    }
    if (start < text.length) this.partial += text.slice(start);
    if (this.dataLength + this.partial.length > this.maxEventLength) throw new SseEventTooLargeError(this.maxEventLength);
    return events ?? noEvents;
  }

  /** A last event without its closing blank line is still delivered. */
  end(): SseEvent | undefined {
    if (this.partial !== '') this.line(this.partial);
    return this.data.length > 0 ? { event: this.event, data: this.data.join('\n') } : undefined;
  }

  /** Takes one complete line; returns the event a blank line completes. */
  private line(line: string): SseEvent | undefined {
    if (line === '') {
      const { data } = this;
      const complete = data.length > 0 ? { event: this.event, data: data.length === 1 ? (data[0] as string) : data.join('\n') } : undefined;
      this.event = undefined;
      this.data = [];
      this.dataLength = 0;
      return complete;
    }
    if (line.charCodeAt(0) === colon) return undefined;
    const at = line.indexOf(':');
    const field = at === -1 ? line : line.slice(0, at);
    let value = at === -1 ? '' : line.slice(at + 1);
    if (value.charCodeAt(0) === space) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.dataLength += value.length + 1;
      if (this.dataLength > this.maxEventLength) throw new SseEventTooLargeError(this.maxEventLength);
    } else if (field === 'event') this.event = value;
    return undefined;
  }
}

const colon = ':'.charCodeAt(0);
const space = ' '.charCodeAt(0);

/** The index of the next CR or LF from `from`, or -1. */
function lineEnd(text: string, from: number): number {
  for (let at = from; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === lf || code === cr) return at;
  }
  return -1;
}
