import { z } from 'zod';
import { modelIdSchema } from './model-id-field.js';
import { requestyExtensionSchema } from './requesty-extension.js';

// https://platform.openai.com/docs/api-reference/responses/create, with the item and part
// shapes of openai-node's src/resources/responses/responses.ts. Items the gateway cannot
// translate (built-in tool calls, item references) are accepted by shape here and refused by
// name in the translation, so the 400 says what is not supported rather than "invalid".

/** A `type` not among `known`, so a malformed known item is reported by its own schema. */
function otherThan(known: readonly string[]) {
  return z.string().refine((type) => !known.includes(type), { message: 'is malformed' });
}

const inputText = z.object({ type: z.literal('input_text'), text: z.string() }).loose();
const inputImage = z
  .object({
    type: z.literal('input_image'),
    image_url: z.string().min(1).nullish(),
    file_id: z.string().nullish(),
    detail: z.enum(['auto', 'low', 'high']).nullish(),
  })
  .loose();
const inputFile = z
  .object({
    type: z.literal('input_file'),
    file_data: z.string().nullish(),
    file_url: z.string().nullish(),
    file_id: z.string().nullish(),
    filename: z.string().nullish(),
  })
  .loose();
const inputAudio = z
  .object({ type: z.literal('input_audio'), input_audio: z.object({ data: z.string(), format: z.string() }).loose() })
  .loose();
/** What a previous answer's message held, sent back as history. */
const outputText = z.object({ type: z.literal('output_text'), text: z.string() }).loose();
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() }).loose();

const contentPart = z.discriminatedUnion('type', [inputText, inputImage, inputFile, inputAudio, outputText, refusal]);
export type ResponsesContentPart = z.infer<typeof contentPart>;

export type ResponsesInputItem =
  | z.infer<typeof messageItem>
  | z.infer<typeof functionCallItem>
  | z.infer<typeof functionCallOutputItem>
  | z.infer<typeof otherItem>;

const messageItem = z
  .object({
    type: z.literal('message').optional(),
    role: z.enum(['user', 'assistant', 'system', 'developer']),
    content: z.union([z.string(), z.array(contentPart)]),
  })
  .loose();
const functionCallItem = z
  .object({ type: z.literal('function_call'), call_id: z.string().min(1), name: z.string().min(1), arguments: z.string() })
  .loose();
const functionCallOutputItem = z
  .object({
    type: z.literal('function_call_output'),
    call_id: z.string().min(1),
    output: z.union([z.string(), z.array(z.discriminatedUnion('type', [inputText, inputImage, inputFile]))]),
  })
  .loose();
/** Any other typed item (reasoning, item_reference, built-in tool calls): judged by the translation. */
const otherItem = z.object({ type: z.string() }).loose();

const itemSchemas: Record<string, z.ZodType<ResponsesInputItem>> = {
  message: messageItem,
  function_call: functionCallItem,
  function_call_output: functionCallOutputItem,
};

/**
 * An item checked by the schema its `type` names (a message when it has none), so a 400 names
 * the field at fault (`input[2].call_id`) rather than whichever union branch failed first.
 */
const inputItem = z.unknown().transform((value, ctx): ResponsesInputItem => {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  const schema = type === undefined ? messageItem : typeof type === 'string' && Object.hasOwn(itemSchemas, type) ? itemSchemas[type] : otherItem;
  const result = (schema ?? otherItem).safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [...issue.path] });
  return z.NEVER;
});


const functionTool = z
  .object({
    type: z.literal('function'),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  })
  .loose();
const otherTool = z.object({ type: otherThan(['function']) }).loose();

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z
    .object({
      type: z.literal('json_schema'),
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
      schema: z.record(z.string(), z.unknown()),
      description: z.string().nullish(),
      strict: z.boolean().nullish(),
    })
    .loose(),
]);

export const responsesRequestSchema = z
  .object({
    model: modelIdSchema,
    input: z.union([z.string(), z.array(inputItem).min(1)]),
    instructions: z.string().nullish(),
    stream: z.boolean().nullish(),
    max_output_tokens: z.int().positive().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    tools: z.array(z.union([functionTool, otherTool])).optional(),
    max_tool_calls: z.int().nonnegative().nullish(),
    /** A prompt stored at OpenAI: its tools (web search among them) come with it, unseen by the gateway. */
    prompt: z.looseObject({ id: z.string() }).nullish(),
    tool_choice: z
      .union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), name: z.string() }).loose(), z.object({ type: z.string() }).loose()])
      .optional(),
    parallel_tool_calls: z.boolean().nullish(),
    reasoning: z
      .object({
        effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
        summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
      })
      .loose()
      .nullish(),
    text: z.object({ format: textFormat.optional() }).loose().nullish(),
    previous_response_id: z.string().nullish(),
    conversation: z.unknown().optional(),
    background: z.boolean().nullish(),
    store: z.boolean().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    user: z.string().optional(),
    requesty: requestyExtensionSchema.optional(),
  })
  .loose();

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
