import { ProviderError } from '../core/errors.js';
import type { ChatProvider, ProviderCall } from '../core/providers/provider.js';
import type { Attempt } from '../core/routing/plan-attempts.js';
import type { TryResult } from '../core/routing/run-attempts.js';
import type { ChatCompletionRequest } from '../core/schemas/openai-chat-request.js';
import type { ChatCompletionChunk } from '../core/schemas/openai-chat-response.js';
import type { GatewayDeps } from './gateway-config.js';

/** A stream whose first token has come: the items up to it, the rest to read, and its cancellation. */
export interface OpenedStream<T> {
  lead: T[];
  rest: AsyncIterator<T>;
  cancel: () => void;
}

/** An answer whose first token has come: the chunks up to it, the rest to read, and its cancellation. */
export type OpenedAnswer = OpenedStream<ChatCompletionChunk>;

/**
 * One attempt at a chat answer, as a stream: the provider's response head must come within the
 * headers limit (the call's), and its first token (text, reasoning, a tool call, a finish or its
 * usage) within the first-token limit; chunks before it (the role announcement) are held back,
 * so nothing of a failed attempt reaches the client and the next model can still be tried.
 */
export function openAnswer(
  provider: ChatProvider,
  request: ChatCompletionRequest,
  call: ProviderCall,
  attempt: Attempt,
  deps: GatewayDeps,
): Promise<TryResult<OpenedAnswer>> {
  return openStream(provider.id, (signal) => provider.stream(request, { ...call, signal }), carriesContent, call, attempt, deps);
}

/**
 * Opens any provider stream the same way: `start` is called with the attempt's signal; items
 * are read, within the first-token limit, up to the first that `isContent` accepts.
 */
export async function openStream<T>(
  providerId: string,
  start: (signal: AbortSignal) => Promise<AsyncIterable<T>>,
  isContent: (item: T) => boolean,
  call: ProviderCall,
  attempt: Attempt,
  deps: GatewayDeps,
): Promise<TryResult<OpenedStream<T>>> {
  const abort = new AbortController();
  // A cancelled attempt (failed, or its answer abandoned) stops following the client: a long
  // failover would otherwise leave a listener per attempt on the request's one signal.
  const cancel = () => {
    call.signal?.removeEventListener('abort', cancel);
    abort.abort();
  };
  const limitMs = attempt.firstTokenTimeoutMs ?? deps.limits.firstTokenTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    // The client leaving cancels the attempt: a listener on its signal (it lives as long as the
    // request), where AbortSignal.any would cost ~20 µs per request and a finalizer.
    if (call.signal?.aborted) cancel();
    else call.signal?.addEventListener('abort', cancel, { once: true });
    const items = await start(abort.signal);
    const rest = items[Symbol.asyncIterator]();
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(firstTokenTimeout(providerId, limitMs)), limitMs);
    });
    const lead: T[] = [];
    for (;;) {
      const reading = rest.next();
      // A read abandoned at the limit fails once its stream is cancelled: nobody waits for it.
      reading.catch(() => undefined);
      const next = await Promise.race([reading, silent]);
      if (next.done) break;
      lead.push(next.value);
      if (isContent(next.value)) break;
    }
    return { value: { lead, rest, cancel }, firstByteAt: deps.clock.now() };
  } catch (error) {
    cancel();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function firstTokenTimeout(provider: string, limitMs: number): ProviderError {
  return new ProviderError({
    provider,
    kind: 'timeout',
    status: 504,
    message: `${provider} sent no token within ${Math.round(limitMs / 1000)} s of accepting the request.`,
  });
}

/** Anything beyond the role announcement (and empty text) is the answer starting. */
export function carriesContent(chunk: ChatCompletionChunk): boolean {
  if (chunk.usage) return true;
  return chunk.choices.some(
    ({ delta, finish_reason: finish }) =>
      finish !== null || Object.entries(delta).some(([field, value]) => field !== 'role' && value !== '' && value !== null && value !== undefined),
  );
}

/** Characters of output in a message or delta: text, reasoning, refusal and tool-call arguments. */
export function outputChars(message: {
  content?: string | null | undefined;
  refusal?: string | null | undefined;
  tool_calls?: ReadonlyArray<{ function?: { arguments?: string | undefined } | undefined }> | null | undefined;
}): number {
  const reasoning = (message as { reasoning_content?: unknown }).reasoning_content;
  let chars = (message.content?.length ?? 0) + (message.refusal?.length ?? 0) + (typeof reasoning === 'string' ? reasoning.length : 0);
  for (const call of message.tool_calls ?? []) chars += call.function?.arguments?.length ?? 0;
  return chars;
}
