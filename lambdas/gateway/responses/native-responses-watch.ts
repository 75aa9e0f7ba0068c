import { responseUsage, responsesErrorStatus, responsesFinishReason } from '../../core/providers/openai/responses-usage.js';
import { responsesControlEventSchema, terminalResponsesEvents, type ResponsesControlEvent } from '../../core/providers/openai/responses-wire.js';
import type { Usage } from '../../core/schemas/openai-chat-response.js';
import { malformedResponse, upstreamError } from '../../core/providers/upstream-error.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';
import { NativeWatch } from '../native-watch.js';

/** Events whose content the gateway reads; every other event passes unread (deltas only measured). */
const readEvents: ReadonlySet<string> = new Set(['response.created', 'response.output_item.added', ...terminalResponsesEvents, 'error']);
/** Events before the answer starts: the attempt can still fail over while only these have come. */
const preambleEvents: ReadonlySet<string> = new Set(['response.created', 'response.in_progress', 'response.queued']);

/**
 * What the gateway learns from a Responses stream it passes through untranslated: the response
 * id, tool calls and finish (told to the request log once its attempt is the one answering), the usage (for the ledger), and how it
 * ended. Only the control events are parsed; deltas are measured, for a cut stream's estimate.
 */
export class NativeResponsesWatch extends NativeWatch {
  /** The terminal event's usage in the gateway's terms, its web searches included. */
  usage: Usage | undefined;
  /** The terminal event (`response.completed`, `.incomplete` or `.failed`), as the JSON it came as. */
  finished: { type: string; response: Record<string, unknown> } | undefined;
  private calledTools = false;

  get ended(): boolean {
    return this.finished !== undefined;
  }

  see(event: SseEvent): string {
    const type = responsesEventType(event);
    if (type.endsWith('.delta')) this.deltaChars += deltaLength(event.data);
    if (!readEvents.has(type)) return type;
    const json = parseJson(this.provider, event.data);
    const parsed = responsesControlEventSchema.safeParse(json);
    if (!parsed.success) throw malformedResponse(this.provider);
    this.read(parsed.data, json as Record<string, unknown>);
    return type;
  }

  private read(event: ResponsesControlEvent, json: Record<string, unknown>): void {
    switch (event.type) {
      case 'response.created':
        this.report.tell({ id: event.response.id });
        break;
      case 'response.output_item.added': {
        const tool = calledToolName(event.item);
        if (tool) {
          this.calledTools = true;
          this.report.tell({ toolCall: tool });
        }
        break;
      }
      case 'error':
        this.failure = upstreamError(this.provider, responsesErrorStatus(event.code), {}, this.clock.now(), { message: event.message, code: event.code ?? null, param: event.param ?? null });
        break;
      default: {
        const { response } = event;
        this.usage = responseUsage(response);
        this.finished = { type: event.type, response: json.response as Record<string, unknown> };
        const finishReason = responsesFinishReason(event.type, response.incomplete_details?.reason, this.calledTools);
        if (finishReason) this.report.tell({ finishReason });
        if (event.type === 'response.failed') {
          const error = response.error;
          this.failure = upstreamError(this.provider, responsesErrorStatus(error?.code), {}, this.clock.now(), { message: error?.message ?? 'the response failed', code: error?.code ?? null });
        }
      }
    }
  }
}

/** An event's type: its SSE `event:` name, or, from a host that sends none, its JSON's `type`. */
export function responsesEventType(event: SseEvent): string {
  if (event.event) return event.event;
  try {
    const type = (JSON.parse(event.data) as { type?: unknown }).type;
    return typeof type === 'string' ? type : '';
  } catch {
    return '';
  }
}

/** Whether an event starts the answer (an output item, a delta, the end or a failure): anything after the preamble. */
export function startsOutput(event: SseEvent): boolean {
  return !preambleEvents.has(responsesEventType(event));
}

/** The tool an output item calls, for the request log: a function's (or MCP tool's) name, else the built-in tool (`web_search`). */
function calledToolName(item: { type: string; name?: string | null | undefined }): string | undefined {
  if (item.name && (item.type === 'function_call' || item.type === 'custom_tool_call' || item.type === 'mcp_call')) return item.name;
  return item.type.endsWith('_call') ? item.type.slice(0, -'_call'.length) : undefined;
}

function deltaLength(data: string): number {
  try {
    const delta = (JSON.parse(data) as { delta?: unknown }).delta;
    return typeof delta === 'string' ? delta.length : 0;
  } catch {
    return 0;
  }
}

function parseJson(provider: string, data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw malformedResponse(provider);
  }
}
