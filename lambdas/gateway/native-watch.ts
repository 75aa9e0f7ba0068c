import type { ProviderError } from '../core/errors.js';
import type { SseEvent } from '../core/sse/parse-sse.js';
import { HeldAnswerReport } from './held-answer-report.js';
import type { RequestLogEntry } from './request-log-entry.js';

/**
 * What every watch over a stream passed through untranslated keeps (Anthropic's Messages,
 * OpenAI's Responses): the upstream's failure, the output delivered (for a cut stream's
 * estimate), and what the request log hears, held until the attempt is the one answering.
 */
export abstract class NativeWatch {
  /** The upstream's own failure, once its stream has told it. */
  failure: ProviderError | undefined;
  /** Characters of output the deltas carried, less their JSON framing: what a cut stream's output is estimated from. */
  deltaChars = 0;
  protected readonly report: HeldAnswerReport;

  constructor(
    readonly provider: string,
    log: RequestLogEntry,
    protected readonly clock: { now(): number },
  ) {
    this.report = new HeldAnswerReport(log);
  }

  /** This attempt's answer is the one the client gets: the request log hears of it from now on. */
  answering(): void {
    this.report.answering();
  }

  /** Reads an event; returns its type. */
  abstract see(event: SseEvent): string;

  /** The stream told its end (a stream cut before it was not finished). */
  abstract get ended(): boolean;
}
