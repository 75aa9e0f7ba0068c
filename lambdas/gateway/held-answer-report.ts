import type { RequestLogEntry } from './request-log-entry.js';

/** What a native answer tells the request log as it is read: its id, a tool it calls, its finish reason. */
export type NativeAnswerSeen = Parameters<RequestLogEntry['nativeAnswer']>[0];

/**
 * Tells the request log what an answer passed through natively said, once its attempt is the
 * one the client gets. Until `answering()`, what is seen is held: an attempt that fails after
 * its id or a tool call was read (an `error` event before the first token, a cut stream the
 * gateway can still fail over from) is dropped with what it said, and the record names only
 * the answer that was served.
 */
export class HeldAnswerReport {
  private held: NativeAnswerSeen[] | undefined = [];

  constructor(private readonly log: RequestLogEntry) {}

  tell(seen: NativeAnswerSeen): void {
    if (this.held) this.held.push(seen);
    else this.log.nativeAnswer(seen);
  }

  /** This attempt's answer is the client's: what was held is told, and what follows as it comes. */
  answering(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const seen of held) this.log.nativeAnswer(seen);
  }
}
