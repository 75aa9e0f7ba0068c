import type { ChatProvider, ProviderCall } from '../core/providers/provider.js';
import type { Attempt } from '../core/routing/plan-attempts.js';
import type { TryResult } from '../core/routing/run-attempts.js';
import type { ChatCompletionRequest } from '../core/schemas/openai-chat-request.js';
import type { SseEvent } from '../core/sse/parse-sse.js';
import { acceptNativeLead, type LeadWatch } from './accept-native-lead.js';
import type { GatewayDeps } from './gateway-config.js';
import { openAnswer, openStream, type OpenedAnswer, type OpenedStream } from './open-answer.js';

/** One attempt's answer: the upstream's own events from a target that speaks the client's protocol, OpenAI chunks from any other. */
export type NativeOrTranslated<W> = { kind: 'native'; answer: OpenedStream<SseEvent>; watch: W } | { kind: 'translated'; answer: OpenedAnswer };

/** How a route (/v1/messages, /v1/responses) reaches a target natively, and what it sends any other. */
export interface NativeRoute<W extends LeadWatch> {
  /** The native call for this attempt's target, or undefined when the request must be translated; `spendLimited` as runRouted's. */
  native(provider: ChatProvider, call: ProviderCall, spendLimited: boolean): ((signal: AbortSignal) => Promise<AsyncIterable<SseEvent>>) | undefined;
  /** A fresh watch over one attempt's events. */
  watch(provider: ChatProvider): W;
  /** Whether an event starts the answer (what the first-token limit waits for). */
  startsAnswer(event: SseEvent): boolean;
  /** The request as a chat request; may throw what cannot be carried, failing only this attempt. */
  translated(): ChatCompletionRequest;
}

/**
 * Opens one attempt, choosing per target: natively, its lead read by the watch (a failure or a
 * stream cut before the answer fails the attempt, so the next model can still be tried), or
 * translated to a chat request.
 */
export async function openNativeOrTranslated<W extends LeadWatch>(
  route: NativeRoute<W>,
  provider: ChatProvider,
  call: ProviderCall,
  attempt: Attempt,
  spendLimited: boolean,
  deps: GatewayDeps,
): Promise<TryResult<NativeOrTranslated<W>>> {
  const start = route.native(provider, call, spendLimited);
  if (!start) {
    const { value, firstByteAt } = await openAnswer(provider, route.translated(), call, attempt, deps);
    return { value: { kind: 'translated', answer: value }, firstByteAt };
  }
  const watch = route.watch(provider);
  const { value, firstByteAt } = await openStream(provider.id, start, route.startsAnswer, call, attempt, deps);
  acceptNativeLead(value, watch, route.startsAnswer);
  return { value: { kind: 'native', answer: value, watch }, firstByteAt };
}
