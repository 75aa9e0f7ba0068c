import { z } from 'zod';
import { tokenCountSchema } from './token-count.js';

// https://platform.openai.com/docs/api-reference/chat/object and
// https://platform.openai.com/docs/api-reference/chat-streaming/streaming
// The gateway's canonical response is the OpenAI chat completion itself: it is the format most
// callers and most providers speak, so the common path never pays for a translation. Objects are
// `loose` so provider extras (system_fingerprint, service_tier, logprobs...) reach the client.

const optionalCount = tokenCountSchema.nullish();

/** Built-in tools a provider runs itself and bills by the call, as the catalog prices them (`pricing.tool_calls`). */
export const builtinToolSchema = z.enum(['web_search', 'web_search_preview']);
export type BuiltinTool = z.infer<typeof builtinToolSchema>;

/** Calls of each priced built-in tool. */
export const builtinToolCallsSchema = z.partialRecord(builtinToolSchema, tokenCountSchema);
export type BuiltinToolCalls = z.infer<typeof builtinToolCallsSchema>;

/**
 * Usage as OpenAI reports it, each count validated (see token-count.ts); the cached and
 * cache-write parts of the prompt cannot exceed it, or the prompt would be priced below cost.
 * `cache_creation_tokens` is the gateway's own field for cache writes (Anthropic, Bedrock), and
 * `builtin_tool_calls` for the calls of tools the provider bills apart from tokens (web search).
 */
export const usageSchema = z
  .object({
    prompt_tokens: tokenCountSchema,
    completion_tokens: tokenCountSchema,
    total_tokens: tokenCountSchema,
    prompt_tokens_details: z
      .object({ cached_tokens: optionalCount, cache_creation_tokens: optionalCount, audio_tokens: optionalCount })
      .loose()
      .nullish(),
    completion_tokens_details: z
      .object({
        reasoning_tokens: optionalCount,
        audio_tokens: optionalCount,
        accepted_prediction_tokens: optionalCount,
        rejected_prediction_tokens: optionalCount,
      })
      .loose()
      .nullish(),
    builtin_tool_calls: builtinToolCallsSchema.nullish(),
  })
  .loose()
  .refine(
    (usage) =>
      (usage.prompt_tokens_details?.cached_tokens ?? 0) + (usage.prompt_tokens_details?.cache_creation_tokens ?? 0) <= usage.prompt_tokens,
    { message: 'cached tokens exceed prompt tokens', path: ['prompt_tokens_details'] },
  );

export const toolCallSchema = z
  .object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }).loose(),
  })
  .loose();

// OpenAI-compatible hosts are not uniform here ("eos", "end_turn"...); they are relayed as sent.
const finishReasonSchema = z.string().nullable();

const toolCallDeltaSchema = z
  .object({
    index: z.number().int(),
    id: z.string().optional(),
    type: z.literal('function').optional(),
    function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).loose().optional(),
  })
  .loose();

/**
 * A message or delta whose content came as typed parts, as Mistral's reasoning models send it
 * (`[{"type":"thinking","thinking":[{"type":"text","text":"…"}]},{"type":"text","text":"…"}]`),
 * read the way the gateway reads content: the text parts as `content`, in place, the thinking as
 * `reasoning_content` (where OpenAI-compatible hosts put reasoning). Anything else as it came, for
 * the schema to judge.
 */
function withTextContent(message: unknown): unknown {
  if (typeof message !== 'object' || message === null || !('content' in message) || !Array.isArray(message.content)) return message;
  let text = '';
  let thinking = '';
  for (const part of message.content as unknown[]) {
    if (typeof part !== 'object' || part === null || !('type' in part)) return message;
    if (part.type === 'text' && 'text' in part && typeof part.text === 'string') text += part.text;
    if (part.type !== 'thinking' || !('thinking' in part) || !Array.isArray(part.thinking)) continue;
    for (const inner of part.thinking as unknown[]) {
      if (typeof inner === 'object' && inner !== null && 'text' in inner && typeof inner.text === 'string') thinking += inner.text;
    }
  }
  const before = 'reasoning_content' in message && typeof message.reasoning_content === 'string' ? message.reasoning_content : '';
  return { ...message, content: text, ...(before + thinking ? { reasoning_content: before + thinking } : {}) };
}

export const chatCompletionChunkSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    created: z.number(),
    model: z.string(),
    choices: z.array(
      z
        .object({
          index: z.number().int(),
          delta: z.preprocess(
            withTextContent,
            z
              .object({
                role: z.literal('assistant').optional(),
                content: z.string().nullish(),
                tool_calls: z.array(toolCallDeltaSchema).optional(),
              })
              .loose(),
          ),
          finish_reason: finishReasonSchema,
        })
        .loose(),
    ),
    usage: usageSchema.nullish(),
  })
  .loose();

/** A tool call of a whole answer: Mistral's come without `type`, which is then OpenAI's only one (as an assembled answer has it). */
const answeredToolCallSchema = toolCallSchema.extend({ type: z.literal('function').default('function') });

/**
 * A whole chat completion as an OpenAI-compatible host answers a JSON request (asked only with
 * `SWITCHBOARD_UPSTREAM_JSON`). A message without `content` (tool calls only) reads as `null`;
 * content that came as parts, as its text and `reasoning_content` (withTextContent).
 */
export const chatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number(),
    model: z.string(),
    choices: z.array(
      z
        .object({
          index: z.number().int(),
          message: z.preprocess(
            withTextContent,
            z
              .object({
                role: z.literal('assistant'),
                content: z
                  .string()
                  .nullish()
                  .transform((content) => content ?? null),
                // Mistral always sends it, null without a call.
                tool_calls: z.array(answeredToolCallSchema).nullish(),
                refusal: z.string().nullish(),
              })
              .loose(),
          ),
          finish_reason: finishReasonSchema,
        })
        .loose(),
    ),
    usage: usageSchema.nullish().transform((usage) => usage ?? undefined),
  })
  .loose();

export type Usage = z.infer<typeof usageSchema>;
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>;

/**
 * A whole chat completion, as the gateway answers a JSON request: assembled from the provider's
 * stream (assemble-completion.ts), or an OpenAI-compatible host's own (chatCompletionSchema);
 * its records are open like the chunks' so provider extras reach the client.
 */
export interface ChatCompletion {
  [field: string]: unknown;
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    [field: string]: unknown;
    index: number;
    message: {
      [field: string]: unknown;
      role: 'assistant';
      content: string | null;
      tool_calls?: Array<z.infer<typeof toolCallSchema>> | null;
      refusal?: string | null;
    };
    finish_reason: string | null;
  }>;
  usage?: Usage;
}
