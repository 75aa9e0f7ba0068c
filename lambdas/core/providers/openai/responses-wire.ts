import { z } from 'zod';
import { tokenCountSchema } from '../../schemas/token-count.js';

// The few Responses API stream events the gateway reads when it passes a stream through
// (https://platform.openai.com/docs/api-reference/responses-streaming): the rest, and every
// field not named here, reach the client unread.

export const responsesUsageSchema = z
  .object({
    input_tokens: tokenCountSchema,
    input_tokens_details: z.object({ cached_tokens: tokenCountSchema.nullish() }).loose().nullish(),
    output_tokens: tokenCountSchema,
    output_tokens_details: z.object({ reasoning_tokens: tokenCountSchema.nullish() }).loose().nullish(),
    total_tokens: tokenCountSchema.nullish(),
  })
  .loose();
export type ResponsesUsage = z.infer<typeof responsesUsageSchema>;

/** An output item; its `action` is read only where the item's type says its shape (responses-usage.ts). */
const outputItemSchema = z.object({ type: z.string() }).loose();

const responseObjectSchema = z
  .object({
    id: z.string(),
    usage: responsesUsageSchema.nullish(),
    output: z.array(outputItemSchema).nullish(),
    /** The tools the request offered, as the response echoes them. */
    tools: z.array(z.object({ type: z.string() }).loose()).nullish(),
    incomplete_details: z.object({ reason: z.string().nullish() }).loose().nullish(),
    error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).loose().nullish(),
  })
  .loose();

const finished = (type: 'response.completed' | 'response.incomplete' | 'response.failed') =>
  z.object({ type: z.literal(type), response: responseObjectSchema }).loose();

export const responsesControlEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('response.created'), response: responseObjectSchema }).loose(),
  z.object({ type: z.literal('response.output_item.added'), item: z.object({ type: z.string(), name: z.string().nullish() }).loose() }).loose(),
  finished('response.completed'),
  finished('response.incomplete'),
  finished('response.failed'),
  z.object({ type: z.literal('error'), code: z.string().nullish(), message: z.string().nullish(), param: z.string().nullish() }).loose(),
]);
export type ResponsesControlEvent = z.infer<typeof responsesControlEventSchema>;
export type ResponseObject = z.infer<typeof responseObjectSchema>;

/** The events that end a response: it is whole, cut by a limit, or failed. */
export const terminalResponsesEvents: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete', 'response.failed']);
