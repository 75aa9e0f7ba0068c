import { terminalResponsesEvents } from '../../core/providers/openai/responses-wire.js';
import { redactSecrets } from '../../core/redact.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';
import { knownSecrets, type GatewayDeps } from '../gateway-config.js';
import type { OpenedStream } from '../open-answer.js';
import { passNativeStream } from '../pass-native-stream.js';
import type { RequestLogEntry } from '../request-log-entry.js';
import type { NativeStreamAccount } from '../run-native-or-translated.js';
import type { UsageCostFields } from '../settled-usage-fields.js';
import { responsesErrorEvent } from './responses-error-event.js';
import { responsesEventType, type NativeResponsesWatch } from './native-responses-watch.js';

const encoded = (event: SseEvent) => `${event.event ? `event: ${event.event}\n` : ''}data: ${event.data}\n\n`;

/**
 * The upstream's Responses events to the client as they came (unknown events and fields
 * included), with SSE comments while the model is silent. The terminal event's usage also carries
 * the gateway's cost fields. The upstream's `error` event is replaced by the gateway's, as any
 * failure after the start is told: an `error` event (whose text cannot quote a secret), never
 * silence; its sequence_number follows the events forwarded.
 */
export function passThroughResponses(
  answer: OpenedStream<SseEvent>,
  watch: NativeResponsesWatch,
  account: NativeStreamAccount,
  log: RequestLogEntry,
  deps: GatewayDeps,
): AsyncIterable<string> {
  const secrets = knownSecrets(deps);
  return passNativeStream(answer, watch, account, log, deps, {
    keepAlive: ': keep-alive\n\n',
    leadType: responsesEventType,
    // Its sequence_number follows the events forwarded.
    errorEvent: (error, forwarded) => responsesErrorEvent(error, forwarded, secrets),
    relay: (type, event, fields) => (terminalResponsesEvents.has(type) ? finishedEvent(event, fields(), secrets) : encoded(event)),
  });
}

/** The terminal event with the gateway's cost fields in its usage, and a failure's message redacted as the gateway's errors are. */
function finishedEvent(event: SseEvent, fields: UsageCostFields | undefined, secrets: readonly string[]): string {
  const data = JSON.parse(event.data) as { response: Record<string, unknown> & { usage?: Record<string, unknown> | null; error?: { message?: unknown } | null } };
  const { response } = data;
  const error = response.error && typeof response.error.message === 'string' ? { error: { ...response.error, message: redactSecrets(response.error.message, secrets) } } : {};
  const usage = fields && response.usage ? { usage: { ...response.usage, ...fields } } : {};
  return encoded({ event: event.event, data: JSON.stringify({ ...data, response: { ...response, ...usage, ...error } }) });
}
