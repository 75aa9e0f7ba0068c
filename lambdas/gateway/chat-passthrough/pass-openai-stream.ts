import { streamEndedEarly } from '../../core/providers/upstream-error.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';
import { openAIErrorEvent } from '../encode-openai-stream.js';
import type { GatewayDeps } from '../gateway-config.js';
import { knownSecrets } from '../gateway-config.js';
import { keepAlive, withKeepAlive } from '../keep-alive.js';
import type { OpenedStream } from '../open-answer.js';
import type { RequestLogEntry } from '../request-log-entry.js';
import { chunksOf } from '../run-chat.js';
import type { UsageCostFields } from '../settled-usage-fields.js';
import type { OpenAIChunkWatch, SeenChunk } from './openai-chunk-watch.js';

export interface PassThroughOptions {
  /** The client asked for `stream_options.include_usage`; the upstream is always asked for it. */
  includeUsage: boolean;
  /** The cost fields the usage chunk gets, once the usage is known. */
  usageFields: () => UsageCostFields | undefined;
  /** Settles the ledger; called once the stream ends, however it ends. */
  settle: () => Promise<unknown>;
}

/**
 * An OpenAI-protocol upstream's stream to the client as it came: each event's `data` as the
 * upstream sent it, with a keep-alive comment while the model is silent. Only the usage chunk
 * is re-encoded (with the gateway's cost fields, or dropped when the client did not ask for
 * usage). `[DONE]` follows only the upstream's own; a failure after the start ends the stream
 * with the gateway's `error` event (the upstream's message redacted), never silently.
 */
export async function* passOpenAIStream(
  answer: OpenedStream<SseEvent>,
  leadSeen: readonly SeenChunk[],
  watch: OpenAIChunkWatch,
  options: PassThroughOptions,
  log: RequestLogEntry,
  deps: GatewayDeps,
): AsyncGenerator<string> {
  try {
    let index = 0;
    for await (const item of withKeepAlive(chunksOf(answer), deps.limits.keepAliveMs)) {
      if (item === keepAlive) {
        yield ': keep-alive\n\n';
        continue;
      }
      // The lead was read when the attempt opened.
      const seen = index < leadSeen.length ? (leadSeen[index] as SeenChunk) : watch.see(item);
      index++;
      if (seen === 'done') {
        // Nothing after [DONE] is read (as openAIStreamChunks does): the body is let go now, not at the deadline.
        await answer.rest.return?.().catch(() => undefined);
        break;
      }
      if (seen === 'chunk') yield encoded(options.includeUsage ? item.data : withoutNullUsage(item.data));
      else {
        const usage = usageChunk(item.data, watch, options);
        if (usage) yield usage;
      }
    }
    if (!watch.done) throw streamEndedEarly(watch.provider);
  } catch (error) {
    log.failed(error);
    yield openAIErrorEvent(error, knownSecrets(deps));
    return;
  } finally {
    await options.settle();
  }
  yield 'data: [DONE]\n\n';
}

/** One event as the upstream sent its data (multi-line data keeps its lines). */
function encoded(data: string): string {
  return data.includes('\n') ? `${data.replace(/^/gm, 'data: ')}\n\n` : `data: ${data}\n\n`;
}

const nullUsage = ',"usage":null}';

/**
 * A chunk without the `"usage":null` that OpenAI adds to every chunk of a stream with usage, which
 * the client did not ask for: where OpenAI's own serialization puts it, the end; found any other
 * way it stays, and is as harmless as it is in OpenAI's streams with usage.
 */
function withoutNullUsage(data: string): string {
  return data.endsWith(nullUsage) ? `${data.slice(0, -nullUsage.length)}}` : data;
}

/** The usage chunk with the gateway's cost fields; without its usage (or not at all, when it carried nothing else) for a client that did not ask for usage. */
function usageChunk(data: string, watch: OpenAIChunkWatch, options: PassThroughOptions): string | undefined {
  const chunk = watch.usageChunk ?? {};
  if (!options.includeUsage) {
    const { usage: _usage, ...rest } = chunk;
    return Array.isArray(rest.choices) && rest.choices.length > 0 ? encoded(JSON.stringify(rest)) : undefined;
  }
  const fields = options.usageFields();
  return encoded(fields ? JSON.stringify({ ...chunk, usage: { ...(chunk.usage as Record<string, unknown>), ...fields } }) : data);
}
