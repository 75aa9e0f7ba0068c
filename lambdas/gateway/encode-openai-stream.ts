import { keepAlive, type StreamItem } from './keep-alive.js';
import { toOpenAIError } from './openai-error-body.js';

export interface StreamEncodingOptions {
  /** The client asked for `stream_options.include_usage`. */
  includeUsage: boolean;
  knownSecrets: readonly string[];
}

/**
 * Encodes chunks as OpenAI's SSE, one event per chunk as it arrives, ending with `[DONE]`.
 * Usage is always requested upstream (the gateway accounts for it), so it is removed here when
 * the client did not ask for it. A failure after the first byte cannot change the status any
 * more: it ends the stream with an explicit `error` event (which the OpenAI SDKs raise), never
 * with a silent truncation.
 */
export async function* encodeOpenAIStream(
  chunks: AsyncIterable<StreamItem>,
  options: StreamEncodingOptions,
): AsyncGenerator<string> {
  try {
    for await (const chunk of chunks) {
      if (chunk === keepAlive) {
        yield ': keep-alive\n\n';
        continue;
      }
      if (!options.includeUsage) {
        if (chunk.choices.length === 0 && chunk.usage) continue;
        if ('usage' in chunk) delete chunk.usage;
      }
      yield `data: ${JSON.stringify(chunk)}\n\n`;
    }
  } catch (error) {
    yield openAIErrorEvent(error, options.knownSecrets);
    return;
  }
  yield 'data: [DONE]\n\n';
}

/** A failure once streaming, as the `error` event the OpenAI SDKs raise: the gateway's error body, secrets redacted. */
export function openAIErrorEvent(error: unknown, knownSecrets: readonly string[]): string {
  return `data: ${JSON.stringify(toOpenAIError(error, knownSecrets).body)}\n\n`;
}
