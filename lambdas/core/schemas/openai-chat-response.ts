import { z } from 'zod';

// https://platform.openai.com/docs/api-reference/chat/object
// The gateway's canonical response is the OpenAI chat completion itself: it is the format most
// callers and most providers speak, so the common path never pays for a translation. Objects are
// `loose` so provider extras (system_fingerprint, service_tier, logprobs...) reach the client.

export const usageSchema = z
  .object({
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    total_tokens: z.number().int().nonnegative(),
    prompt_tokens_details: z.object({ cached_tokens: z.number().int().optional() }).loose().nullish(),
    completion_tokens_details: z.object({ reasoning_tokens: z.number().int().optional() }).loose().nullish(),
  })
  .loose();

export const toolCallSchema = z
  .object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }).loose(),
  })
  .loose();

// OpenAI-compatible hosts are not uniform here ("eos", "end_turn"...); they are relayed as sent.
const finishReasonSchema = z.string().nullable();

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
          message: z
            .object({
              role: z.literal('assistant'),
              content: z.string().nullable(),
              tool_calls: z.array(toolCallSchema).optional(),
              refusal: z.string().nullish(),
            })
            .loose(),
          finish_reason: finishReasonSchema,
        })
        .loose(),
    ),
    usage: usageSchema.optional(),
  })
  .loose();

const toolCallDeltaSchema = z
  .object({
    index: z.number().int(),
    id: z.string().optional(),
    type: z.literal('function').optional(),
    function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).loose().optional(),
  })
  .loose();

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
          delta: z
            .object({
              role: z.literal('assistant').optional(),
              content: z.string().nullish(),
              tool_calls: z.array(toolCallDeltaSchema).optional(),
            })
            .loose(),
          finish_reason: finishReasonSchema,
        })
        .loose(),
    ),
    usage: usageSchema.nullish(),
  })
  .loose();

export type Usage = z.infer<typeof usageSchema>;
export type ChatCompletion = z.infer<typeof chatCompletionSchema>;
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>;
