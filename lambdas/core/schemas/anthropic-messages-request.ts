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
// Plain-text, content-block and uploaded-file documents go to Anthropic only.
const documentSource = z.union([mediaSource, z.object({ type: z.enum(['text', 'content', 'file']) }).loose()]);
const documentBlock = z.object({ type: z.literal('document'), source: documentSource, title: z.string().nullish() }).loose();
const toolUseBlock = z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }).loose();
/**
 * A block of a type the gateway does not read (server tool use and results, search results,
 * container uploads, types Anthropic adds later): carried as it is to Anthropic; translation to
 * another protocol refuses it by name.
 */
const otherBlock = z.object({ type: z.string() }).loose();
const toolResultBlock = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(z.union([textBlock, imageBlock, otherBlock]))]).optional(),
    is_error: z.boolean().optional(),
  })
  .loose();
const thinkingBlock = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }).loose();
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() }).loose();

const knownBlock = z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock]);
const knownBlockTypes: ReadonlySet<string> = new Set(knownBlock.options.map((option) => option.shape.type.value));

export const anthropicContentBlockSchema = z.union([
  knownBlock,
  otherBlock.refine((block) => !knownBlockTypes.has(block.type), 'not a valid block of its type'),
]);

const customTool = z
  .object({ type: z.literal('custom').optional(), name: z.string(), description: z.string().optional(), input_schema: z.record(z.string(), z.unknown()) })
  .loose();
/** Anthropic's server tools (web search, code execution...) and client tools of a versioned type (bash, text editor). */
const serverTool = z
  .object({
    type: z.string().regex(/_\d{8}$/, 'a tool is a custom tool with input_schema, or a versioned tool type such as web_search_20250305'),
    name: z.string(),
    max_uses: z.int().positive().nullish(),
  })
  .loose();

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
    tools: z.array(z.union([customTool, serverTool])).optional(),
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
        z.object({ type: z.literal('adaptive') }).loose(),
      ])
      .optional(),
    metadata: z.object({ user_id: z.string().nullish() }).loose().optional(),
    requesty: requestyExtensionSchema.optional(),
  })
  .loose();

export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;
export type AnthropicContentBlock = z.infer<typeof anthropicContentBlockSchema>;
/** A block of a type the gateway reads. */
export type KnownAnthropicBlock = z.infer<typeof knownBlock>;

export function isKnownBlock(block: AnthropicContentBlock): block is KnownAnthropicBlock {
  return knownBlockTypes.has(block.type);
}

/** POST /v1/messages/count_tokens: a Messages request without the output settings. */
export const anthropicCountTokensRequestSchema = anthropicMessagesRequestSchema.extend({ max_tokens: z.int().positive().optional() });
export type AnthropicCountTokensRequest = z.infer<typeof anthropicCountTokensRequestSchema>;
export type AnthropicTool = NonNullable<AnthropicMessagesRequest['tools']>[number];
