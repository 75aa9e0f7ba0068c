import { z } from 'zod';
import { modelIdSchema } from './model-id-field.js';
import { requestyExtensionSchema } from './requesty-extension.js';

// https://docs.anthropic.com/en/api/messages — the inbound Anthropic-compatible API
// (POST /v1/messages), so the Anthropic SDK and Claude Code work with the gateway as base URL.

const mediaSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() }).loose(),
  z.object({ type: z.literal('url'), url: z.string() }).loose(),
]);

const textBlock = z.object({ type: z.literal('text'), text: z.string() }).loose();
const imageBlock = z.object({ type: z.literal('image'), source: mediaSource }).loose();
const documentBlock = z.object({ type: z.literal('document'), source: mediaSource, title: z.string().nullish() }).loose();
const toolUseBlock = z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }).loose();
const toolResultBlock = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(z.union([textBlock, imageBlock]))]).optional(),
    is_error: z.boolean().optional(),
  })
  .loose();
const thinkingBlock = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }).loose();
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() }).loose();

export const anthropicContentBlockSchema = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  documentBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
]);

export const anthropicMessagesRequestSchema = z
  .object({
    model: modelIdSchema,
    max_tokens: z.int().positive(),
    messages: z
      .array(
        z
          .object({
            role: z.enum(['user', 'assistant']),
            content: z.union([z.string(), z.array(anthropicContentBlockSchema)]),
          })
          .loose(),
      )
      .min(1),
    system: z.union([z.string(), z.array(textBlock)]).optional(),
    stream: z.boolean().optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.int().positive().optional(),
    stop_sequences: z.array(z.string()).max(4).optional(),
    tools: z
      .array(z.object({ name: z.string(), description: z.string().optional(), input_schema: z.record(z.string(), z.unknown()) }).loose())
      .optional(),
    tool_choice: z
      .object({
        type: z.enum(['auto', 'any', 'tool', 'none']),
        name: z.string().optional(),
        disable_parallel_tool_use: z.boolean().optional(),
      })
      .loose()
      .optional(),
    thinking: z
      .union([
        z.object({ type: z.literal('enabled'), budget_tokens: z.int().min(1024) }).loose(),
        z.object({ type: z.literal('disabled') }).loose(),
      ])
      .optional(),
    metadata: z.object({ user_id: z.string().nullish() }).loose().optional(),
    requesty: requestyExtensionSchema.optional(),
  })
  .loose();

export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;
export type AnthropicContentBlock = z.infer<typeof anthropicContentBlockSchema>;
