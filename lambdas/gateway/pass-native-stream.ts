import { streamEndedEarly } from '../core/providers/upstream-error.js';
import type { SseEvent } from '../core/sse/parse-sse.js';
import type { GatewayDeps } from './gateway-config.js';
import { keepAlive, withKeepAlive } from './keep-alive.js';
import type { NativeWatch } from './native-watch.js';
import type { OpenedStream } from './open-answer.js';
import type { RequestLogEntry } from './request-log-entry.js';
import type { NativeStreamAccount } from './run-native-or-translated.js';
import { chunksOf } from './run-chat.js';
import type { UsageCostFields } from './settled-usage-fields.js';

/** What passing a protocol's stream through says of that protocol (Anthropic's Messages, OpenAI's Responses). */
export interface NativeStreamWording {
  /** What goes out while the model is silent. */
  keepAlive: string;
  /** A lead event's type: the watch read the lead when the attempt opened. */
  leadType(event: SseEvent): string;
  /** A failure after the start, as the protocol tells errors (its text redacted); `forwarded` events went before it. */
  errorEvent(error: unknown, forwarded: number): string;
  /** An event of `type` as it goes on; the one carrying the usage gains the gateway's cost fields. */
  relay(type: string, event: SseEvent, fields: () => UsageCostFields | undefined): string;
}

/**
 * A native stream to the client as it came, with keep-alives while the model is silent. The
 * upstream's own error event is replaced by the gateway's, as any failure after the start is told:
 * an error event (whose text cannot quote a secret), never silence; a stream cut before its end
 * is such a failure. The account is settled however the stream ends.
 */
export async function* passNativeStream(
  answer: OpenedStream<SseEvent>,
  watch: NativeWatch,
  account: NativeStreamAccount,
  log: RequestLogEntry,
  deps: GatewayDeps,
  wording: NativeStreamWording,
): AsyncGenerator<string> {
  let forwarded = 0;
  try {
    for await (const item of withKeepAlive(chunksOf(answer), deps.limits.keepAliveMs)) {
      if (item === keepAlive) {
        yield wording.keepAlive;
        continue;
      }
      const type = forwarded < answer.lead.length ? wording.leadType(item) : watch.see(item);
      if (type === 'error' && watch.failure) yield wording.errorEvent(watch.failure, forwarded);
      else yield wording.relay(type, item, account.fields);
      forwarded++;
    }
    if (watch.failure) log.failed(watch.failure);
    else if (!watch.ended) throw streamEndedEarly(watch.provider);
  } catch (error) {
    log.failed(error);
    yield wording.errorEvent(error, forwarded);
  } finally {
    await account.settle();
  }
}
