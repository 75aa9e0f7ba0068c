import { StringDecoder } from 'node:string_decoder';
import type { HttpResponse } from '../../ports/http-client.js';
import { parseSse, SseEventTooLargeError, withoutByteOrderMark, type SseEvent } from '../sse/parse-sse.js';
import { malformedResponse, oversizedResponse, transportError } from './upstream-error.js';
import { maxEventSize, maxResponseBytes } from './upstream-limits.js';

/**
 * A body as text, or undefined once it passes `maxBytes`: reading stops there, which releases
 * the connection, so a provider cannot make the gateway hold more.
 */
export async function readBodyText(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string | undefined> {
  const decoder = new StringDecoder('utf8');
  const parts: string[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) return undefined;
    parts.push(decoder.write(chunk));
  }
  parts.push(decoder.end());
  return withoutByteOrderMark(parts.join(''));
}

/** Reads an upstream body that must be JSON: garbage, an empty body or one too large is a server fault. */
export async function readJson(provider: string, response: HttpResponse): Promise<unknown> {
  let text: string | undefined;
  try {
    text = await readBodyText(response.body, maxResponseBytes);
  } catch (error) {
    throw transportError(provider, error);
  }
  if (text === undefined) throw oversizedResponse(provider, 'response', maxResponseBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw malformedResponse(provider);
  }
}

/**
 * An upstream SSE body as events, each bounded in size; a reset, a stall or the deadline
 * mid-body is classified like any other failure.
 */
export async function* upstreamEvents(provider: string, response: HttpResponse): AsyncGenerator<SseEvent> {
  try {
    yield* parseSse(response.body, maxEventSize);
  } catch (error) {
    if (error instanceof SseEventTooLargeError) throw oversizedResponse(provider, 'stream event', maxEventSize);
    throw transportError(provider, error);
  }
}
