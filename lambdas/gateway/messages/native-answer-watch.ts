import { malformedResponse, upstreamError } from '../../core/providers/upstream-error.js';
import { toFinishReason } from '../../core/providers/anthropic/anthropic-usage.js';
import { anthropicEventType } from '../../core/providers/anthropic/anthropic-event-type.js';
import { anthropicStreamEventSchema, type AnthropicUsage } from '../../core/providers/anthropic/anthropic-wire.js';
import { anthropicErrorStatus } from '../../core/providers/anthropic/read-anthropic-error-body.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';
import { NativeWatch } from '../native-watch.js';

/** Events whose content the gateway reads; every other event (the deltas, most of a stream) passes unread. */
const readEvents: ReadonlySet<string> = new Set(['message_start', 'content_block_start', 'message_delta', 'message_stop', 'error']);
/** Blocks that are calls of a tool, whose names the request log lists. */
const toolBlocks: ReadonlySet<string> = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);
/** The JSON around a delta's text (`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""}}`). */
const deltaFrameChars = 80;

/**
 * What the gateway learns from an Anthropic stream it passes through untranslated: the
 * message id, tool calls and stop reason (told to the request log once its attempt is the one
 * answering), the usage (for the ledger), and whether it ended properly. Only the few control
 * events are parsed.
 */
export class NativeAnswerWatch extends NativeWatch {
  usage: AnthropicUsage | undefined;
  stopReason: string | null = null;
  /** The stream's `message_stop` came. */
  stopped = false;

  get ended(): boolean {
    return this.stopped;
  }

  see(event: SseEvent): string {
    const type = event.event ?? anthropicEventType(event.data);
    if (!readEvents.has(type)) {
      if (type === 'content_block_delta') this.deltaChars += Math.max(0, event.data.length - deltaFrameChars);
      return type;
    }
    const parsed = parseEvent(this.provider, event.data);
    switch (parsed.type) {
      case 'message_start':
        this.usage = parsed.message.usage;
        this.report.tell({ id: parsed.message.id });
        break;
      case 'content_block_start': {
        const block = parsed.content_block as { type: string; name?: unknown };
        if (toolBlocks.has(block.type) && typeof block.name === 'string') this.report.tell({ toolCall: block.name });
        break;
      }
      case 'message_delta':
        this.usage = { ...this.usage, ...stripNulls(parsed.usage) };
        this.stopReason = parsed.delta.stop_reason ?? this.stopReason;
        this.report.tell({ finishReason: toFinishReason(this.stopReason) ?? undefined });
        break;
      case 'message_stop':
        this.stopped = true;
        break;
      case 'error':
        this.failure = upstreamError(this.provider, anthropicErrorStatus(parsed.error.type), {}, this.clock.now(), parsed.error);
        break;
      default:
        break;
    }
    return type;
  }
}

/** Whether an event starts the answer: a content block, its delta, or the end (a stream may be empty). */
export function startsContent(event: SseEvent): boolean {
  const type = event.event ?? anthropicEventType(event.data);
  return type === 'content_block_start' || type === 'content_block_delta' || type === 'message_delta' || type === 'message_stop' || type === 'error';
}

/** A message_delta's usage fields that are null mean "not reported", not zero. */
function stripNulls(usage: AnthropicUsage | undefined): AnthropicUsage {
  return Object.fromEntries(Object.entries(usage ?? {}).filter(([, value]) => value !== null && value !== undefined));
}

export function parseEvent(provider: string, data: string) {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw malformedResponse(provider);
  }
  const parsed = anthropicStreamEventSchema.safeParse(json);
  if (!parsed.success) throw malformedResponse(provider);
  return parsed.data;
}
