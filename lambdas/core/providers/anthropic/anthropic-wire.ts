import { z } from 'zod';
import { tokenCountSchema } from '../../schemas/token-count.js';

// https://docs.anthropic.com/en/api/messages — the parts of Anthropic's wire format the gateway
// reads. Objects are `loose` so fields Anthropic adds later do not break parsing.

export const anthropicUsageSchema = z
  .object({
    input_tokens: tokenCountSchema.optional(),
    output_tokens: tokenCountSchema.optional(),
    cache_creation_input_tokens: tokenCountSchema.nullish(),
    cache_read_input_tokens: tokenCountSchema.nullish(),
    /** Searches Anthropic ran for the web_search server tool, billed by the search (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool#usage-and-pricing). */
    server_tool_use: z.object({ web_search_requests: tokenCountSchema.nullish() }).loose().nullish(),
  })
  .loose();

// message_start carries the message's id, model and input usage; its content comes in later events.
const startedMessageSchema = z.object({ id: z.string(), type: z.literal('message'), model: z.string(), usage: anthropicUsageSchema }).loose();

export const anthropicStreamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_start'), message: startedMessageSchema }).loose(),
  z.object({ type: z.literal('content_block_start'), index: z.number().int(), content_block: z.object({ type: z.string() }).loose() }).loose(),
  z
    .object({
      type: z.literal('content_block_delta'),
      index: z.number().int(),
      delta: z.object({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional(), thinking: z.string().optional() }).loose(),
    })
    .loose(),
  z.object({ type: z.literal('content_block_stop'), index: z.number().int() }).loose(),
  z
    .object({
      type: z.literal('message_delta'),
      delta: z.object({ stop_reason: z.string().nullish() }).loose(),
      usage: anthropicUsageSchema.optional(),
    })
    .loose(),
  z.object({ type: z.literal('message_stop') }).loose(),
  z.object({ type: z.literal('ping') }).loose(),
  z.object({ type: z.literal('error'), error: z.object({ type: z.string(), message: z.string() }).loose() }).loose(),
]);

const knownStreamEventTypes: ReadonlySet<unknown> = new Set(anthropicStreamEventSchema.options.map((option) => option.shape.type.value));

/** Whether an event is of a type the gateway reads (so it must parse), not one added later. */
export function isKnownStreamEvent(json: unknown): boolean {
  return typeof json === 'object' && json !== null && knownStreamEventTypes.has((json as { type?: unknown }).type);
}

export const anthropicErrorBodySchema = z.object({
  type: z.literal('error'),
  error: z.object({ type: z.string(), message: z.string() }).loose(),
});

export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;
