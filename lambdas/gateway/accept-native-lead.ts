import type { ProviderError } from '../core/errors.js';
import { streamEndedEarly } from '../core/providers/upstream-error.js';
import type { SseEvent } from '../core/sse/parse-sse.js';
import type { OpenedStream } from './open-answer.js';

/** A native stream's watch (Anthropic's Messages, OpenAI's Responses), as the opening of an attempt reads it. */
export interface LeadWatch {
  readonly provider: string;
  /** The upstream's own failure, once its stream has told it. */
  readonly failure: ProviderError | undefined;
  see(event: SseEvent): string;
}

/**
 * Reads the lead of a native stream just opened (its events up to the answer's first): an
 * upstream failure in it, an unreadable event, or a stream that ended before its answer started
 * fails the attempt, its stream cancelled, so the next model can still be tried.
 */
export function acceptNativeLead(opened: OpenedStream<SseEvent>, watch: LeadWatch, startsAnswer: (event: SseEvent) => boolean): void {
  try {
    for (const event of opened.lead) watch.see(event);
    if (watch.failure) throw watch.failure;
    const last = opened.lead.at(-1);
    if (!last || !startsAnswer(last)) throw streamEndedEarly(watch.provider);
  } catch (error) {
    opened.cancel();
    throw error;
  }
}
