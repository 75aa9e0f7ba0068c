import { readOpenAIChunk } from '../../core/providers/openai/openai-stream-chunks.js';
import { unreadChunkChars } from '../../core/providers/openai/openai-chunk-scan.js';
import { malformedResponse } from '../../core/providers/upstream-error.js';
import type { Usage } from '../../core/schemas/openai-chat-response.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';
import { carriesContent, outputChars } from '../open-answer.js';
import type { RequestLogEntry } from '../request-log-entry.js';

/** What an event of the stream is to the gateway: passed as it came, the usage (re-encoded), or the end. */
export type SeenChunk = 'chunk' | 'usage' | 'done';

/**
 * What the gateway learns from an OpenAI stream it passes through as bytes: the answer's id,
 * tool calls and finish (told to the request log), the usage (for the ledger) and whether the
 * stream ended properly. A chunk is parsed and validated only when it is the first, carries
 * usage, a finish, a tool's name or no choices (an `error`, say); the rest, most of a stream,
 * is only checked to be a JSON object and its output text counted.
 */
export class OpenAIChunkWatch {
  usage: Usage | undefined;
  /** The usage chunk as it came, to be re-encoded with the gateway's cost fields. */
  usageChunk: Record<string, unknown> | undefined;
  /** `[DONE]` came. */
  done = false;
  /** Characters of output delivered: what a cut stream's output is estimated from. */
  deliveredChars = 0;
  private readAny = false;

  constructor(
    readonly provider: string,
    private readonly log: RequestLogEntry,
  ) {}

  /** Reads an event; a malformed chunk or the upstream's `error` is thrown as a ProviderError. */
  see(event: SseEvent): SeenChunk {
    const { data } = event;
    if (data === '[DONE]') {
      this.done = true;
      return 'done';
    }
    if (data.charCodeAt(0) !== openBrace || data.charCodeAt(data.length - 1) !== closeBrace) throw malformedResponse(this.provider);
    const chars = this.readAny ? unreadChunkChars(data) : undefined;
    if (chars === undefined) return this.read(data);
    this.deliveredChars += chars;
    return 'chunk';
  }

  private read(data: string): SeenChunk {
    const { chunk, json } = readOpenAIChunk(this.provider, data);
    this.readAny = true;
    this.log.chunk(chunk);
    for (const choice of chunk.choices) this.deliveredChars += outputChars(choice.delta);
    if (!chunk.usage) return 'chunk';
    this.usage = chunk.usage;
    this.usageChunk = json;
    return 'usage';
  }
}

const openBrace = '{'.charCodeAt(0);
const closeBrace = '}'.charCodeAt(0);

/** Whether an event starts the answer (as `carriesContent`): anything past the role announcement, the end, or a failure. */
export function startsAnswer(event: SseEvent): boolean {
  if (event.data === '[DONE]') return true;
  try {
    return carriesContent(readOpenAIChunk('', event.data).chunk);
  } catch {
    // The watch reads it again and fails the attempt.
    return true;
  }
}
