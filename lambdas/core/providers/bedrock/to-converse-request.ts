import type { ChatCompletionRequest, ChatMessage, InstructionMessage, UserContentPart } from '../../schemas/openai-chat-request.js';
import { anyCacheControl, cacheControlOf } from '../cache-control.js';
import { cachePoint } from './cache-points.js';
import { thinkingPlan } from '../reasoning-budget.js';
import { appendTurn, isInstruction, parseDataUrl, parseToolArguments, textOf, unsupportedParameter } from '../message-parts.js';

type Block = Record<string, unknown>;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

export interface ConverseTranslation {
  /** Structured output is asked for as a forced call of this tool; its input is the answer. */
  structuredOutputTool: string | undefined;
}

const thinkingBudgets: Record<string, number> = { minimal: 1024, low: 2048, medium: 8192, high: 16384, xhigh: 32768 };

/** OpenAI chat request → Bedrock Converse request (modelId is added by the caller). */
export function toConverseRequest(request: ChatCompletionRequest): { input: Record<string, unknown>; translation: ConverseTranslation } {
  if (request.n != null && request.n > 1) throw unsupportedParameter('n', 'Bedrock returns one choice per request; n must be 1.');
  if (request.logprobs) throw unsupportedParameter('logprobs', 'Bedrock Converse does not return log probabilities.');
  const system: Block[] = [];
  const turns: Turn[] = [];
  for (const message of request.messages) {
    if (isInstruction(message)) system.push({ text: textOf(message.content) }, ...(anyCacheControl(message.content) ? [cachePoint] : []));
    else appendTurn(turns, toTurn(message), (turn) => turn.content);
  }
  const format = request.response_format;
  const structuredOutputTool = format?.type === 'json_schema' ? String(format.json_schema.name) : undefined;
  if (format?.type === 'json_object') system.push({ text: 'Respond with a single JSON object and nothing else.' });

  const tools = [
    ...(request.tools ?? []).flatMap((tool) =>
      tool.type === 'function'
        ? [toolSpec(tool.function.name, tool.function.description, tool.function.parameters)]
        : [],
    ),
    ...(format?.type === 'json_schema' ? [toolSpec(String(format.json_schema.name), format.json_schema.description ?? 'Return the answer.', format.json_schema.schema)] : []),
  ];
  const requestedMaxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const plan = thinkingPlan(request.reasoning_effort, {
    budgets: thinkingBudgets,
    requestedMaxTokens,
    defaultMaxTokens: requestedMaxTokens ?? 4096,
    modelMaxTokens: undefined,
    budgetWithinMaxTokens: true,
  });
  const budget = plan?.budget;
  const maxTokens = plan ? plan.maxTokens : requestedMaxTokens;
  const inferenceConfig = {
    ...(maxTokens != null ? { maxTokens } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { topP: request.top_p } : {}),
    ...(request.stop != null ? { stopSequences: [request.stop].flat() } : {}),
  };
  const choice = structuredOutputTool ? { tool: { name: structuredOutputTool } } : toolChoice(request);
  return {
    input: {
      messages: turns,
      ...(system.length > 0 ? { system } : {}),
      ...(Object.keys(inferenceConfig).length > 0 ? { inferenceConfig } : {}),
      // Converse has no "none": without tools offered, the model cannot call one.
      ...(tools.length > 0 && request.tool_choice !== 'none' ? { toolConfig: { tools, ...(choice ? { toolChoice: choice } : {}) } } : {}),
      ...(budget ? { additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: budget } } } : {}),
    },
    translation: { structuredOutputTool },
  };
}

function toolSpec(name: string, description: string | undefined, schema: unknown): Block {
  return { toolSpec: { name, ...(description ? { description } : {}), inputSchema: { json: schema ?? { type: 'object', properties: {} } } } };
}

function toolChoice(request: ChatCompletionRequest): Block | undefined {
  const choice = request.tool_choice;
  if (choice === undefined || choice === 'auto' || choice === 'none') return choice === 'auto' ? { auto: {} } : undefined;
  if (choice === 'required') return { any: {} };
  if (choice.type === 'function') return { tool: { name: choice.function.name } };
  throw unsupportedParameter('tool_choice', `tool_choice of type "${choice.type}" has no Bedrock equivalent.`);
}

function toTurn(message: Exclude<ChatMessage, InstructionMessage>): Turn {
  switch (message.role) {
    case 'user':
      return {
        role: 'user',
        content: typeof message.content === 'string' ? [{ text: message.content }] : message.content.flatMap((part) => [userBlock(part), ...('cache_control' in cacheControlOf(part) ? [cachePoint] : [])]),
      };
    case 'assistant': {
      const content: Block[] = [];
      const said = textOf(message.content ?? '');
      if (said) content.push({ text: said });
      for (const call of message.tool_calls ?? []) {
        content.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments) } });
      }
      return { role: 'assistant', content };
    }
    case 'tool':
      return { role: 'user', content: [{ toolResult: { toolUseId: message.tool_call_id, content: [{ text: textOf(message.content) }] } }] };
    case 'function':
      throw unsupportedParameter('messages', 'The deprecated "function" role is not supported for Bedrock models; use tools.');
  }
}

function userBlock(part: UserContentPart): Block {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image_url': {
      const image = inline(part.image_url.url, 'image');
      return { image: { format: image.mediaType.replace('image/', '').replace('jpg', 'jpeg'), source: { bytes: image.bytes } } };
    }
    case 'file':
    case 'input_file': {
      const fileData = part.type === 'file' ? part.file.file_data : part.file_data;
      const filename = part.type === 'file' ? part.file.filename : part.filename;
      if (!fileData) throw unsupportedParameter('messages', 'Bedrock needs file contents (file_data), not a file_id.');
      const document = inline(fileData, 'document');
      // Converse document names allow only letters, digits, spaces, hyphens, parentheses, brackets.
      const name = (filename ?? 'document').replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9 ()[\]-]/g, ' ').trim() || 'document';
      return { document: { format: document.mediaType.split('/')[1] ?? 'pdf', name, source: { bytes: document.bytes } } };
    }
    case 'input_audio':
      throw unsupportedParameter('messages', 'Bedrock Converse does not accept audio input.');
  }
}

/** Converse takes media as bytes; it cannot fetch URLs. */
function inline(url: string, what: string): { mediaType: string; bytes: Uint8Array } {
  const data = parseDataUrl(url);
  if (!data) throw unsupportedParameter('messages', `Bedrock needs the ${what} inline, as a base64 data URL.`);
  return { mediaType: data.mediaType, bytes: Buffer.from(data.data, 'base64') };
}
