import { z } from 'zod';
import { toolCallSchema } from './openai-chat-response.js';
import { modelIdSchema } from './model-id-field.js';
import { reasoningEffortSchema } from './reasoning-effort.js';
import { requestyExtensionSchema } from './requesty-extension.js';

// https://platform.openai.com/docs/api-reference/chat/create
// Objects are `loose`: fields this schema does not know are carried to OpenAI-compatible
// providers untouched, so a new OpenAI parameter never needs a gateway release.

const textPart = z.object({ type: z.literal('text'), text: z.string() }).loose();
const imagePart = z
  .object({
    type: z.literal('image_url'),
    image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }).loose(),
  })
  .loose();
const audioPart = z
  .object({ type: z.literal('input_audio'), input_audio: z.object({ data: z.string(), format: z.string() }).loose() })
  .loose();
const filePart = z
  .object({
    type: z.literal('file'),
    file: z.object({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }).loose(),
  })
  .loose();
/** Requesty's PDF part: https://docs.requesty.ai/api-reference/endpoint/chat-completions-create */
const requestyFilePart = z
  .object({ type: z.literal('input_file'), filename: z.string().optional(), file_data: z.string() })
  .loose();
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() }).loose();

const userContentPart = z.discriminatedUnion('type', [textPart, imagePart, audioPart, filePart, requestyFilePart]);
const textContent = z.union([z.string(), z.array(textPart)]);


const systemMessage = z
  .object({ role: z.enum(['system', 'developer']), content: textContent, name: z.string().optional() })
  .loose();
const userMessage = z
  .object({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(userContentPart)]),
    name: z.string().optional(),
  })
  .loose();
const assistantMessage = z
  .object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart]))]).nullish(),
    name: z.string().optional(),
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCallSchema).optional(),
  })
  .loose();
const toolMessage = z.object({ role: z.literal('tool'), content: textContent, tool_call_id: z.string() }).loose();
const functionMessage = z
  .object({ role: z.literal('function'), content: z.string().nullable(), name: z.string() })
  .loose();

export const chatMessageSchema = z.discriminatedUnion('role', [
  systemMessage,
  userMessage,
  assistantMessage,
  toolMessage,
  functionMessage,
]);

/** Function and schema names, as OpenAI restricts them. */
const identifier = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes');

const functionTool = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: identifier,
        description: z.string().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullish(),
      })
      .loose(),
  })
  .loose();
const customTool = z.object({ type: z.literal('custom'), custom: z.object({ name: z.string() }).loose() }).loose();

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }).loose() }).loose(),
  z.object({ type: z.literal('custom'), custom: z.object({ name: z.string() }).loose() }).loose(),
  z.object({ type: z.literal('allowed_tools'), allowed_tools: z.record(z.string(), z.unknown()) }).loose(),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z
    .object({
      type: z.literal('json_schema'),
      json_schema: z
        .object({
          name: identifier,
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        })
        .loose(),
    })
    .loose(),
]);

const positiveInt = z.number().int().positive();

export const chatCompletionRequestSchema = z
  .object({
    model: modelIdSchema,
    messages: z.array(chatMessageSchema).min(1),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_tokens: positiveInt.nullish(),
    max_completion_tokens: positiveInt.nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
    n: z.number().int().min(1).max(128).nullish(),
    seed: z.number().int().nullish(),
    user: z.string().optional(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    logit_bias: z.record(z.string(), z.number()).nullish(),
    tools: z.array(z.union([functionTool, customTool])).optional(),
    tool_choice: toolChoice.optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: responseFormat.optional(),
    reasoning_effort: reasoningEffortSchema.nullish(),
    requesty: requestyExtensionSchema.optional(),
  })
  .loose();

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
/** A system or developer message: what most non-OpenAI APIs take apart as "system". */
export type InstructionMessage = Extract<ChatMessage, { role: 'system' | 'developer' }>;
export type UserContentPart = z.infer<typeof userContentPart>;
