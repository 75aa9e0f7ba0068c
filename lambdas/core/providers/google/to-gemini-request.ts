import { thinkingPlan } from '../reasoning-budget.js';
import { appendTurn, isInstruction, parseDataUrl, parseToolArguments, textOf, unsupportedParameter } from '../message-parts.js';
import type { ChatCompletionRequest, ChatMessage, InstructionMessage, UserContentPart } from '../../schemas/openai-chat-request.js';

type Part = Record<string, unknown>;
interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

// https://ai.google.dev/gemini-api/docs/thinking#set-budget
const thinkingBudgets: Record<string, number> = { minimal: 512, low: 1024, medium: 8192, high: 24576, xhigh: 32768, max: 32768 };

/** OpenAI chat request → Gemini GenerateContentRequest, the body streamGenerateContent takes. */
export function toGeminiRequest(request: ChatCompletionRequest): Record<string, unknown> {
  const system: string[] = [];
  const contents: Content[] = [];
  // Gemini answers a function call by name, OpenAI by call id: remember which id named what.
  const toolNames = new Map<string, string>();
  for (const message of request.messages) {
    if (isInstruction(message)) system.push(textOf(message.content));
    else appendTurn(contents, toContent(message, toolNames), (content) => content.parts);
  }
  const format = request.response_format;
  // Gemini bills thoughts apart from the output cap; `max` is its largest budget.
  const thinking = thinkingPlan(request.reasoning_effort, {
    budgets: thinkingBudgets,
    requestedMaxTokens: undefined,
    defaultMaxTokens: 0,
    modelMaxTokens: undefined,
    budgetWithinMaxTokens: false,
  });
  const generationConfig = {
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { topP: request.top_p } : {}),
    ...((request.max_completion_tokens ?? request.max_tokens) != null
      ? { maxOutputTokens: request.max_completion_tokens ?? request.max_tokens }
      : {}),
    ...(request.stop != null ? { stopSequences: [request.stop].flat() } : {}),
    ...(request.n != null ? { candidateCount: request.n } : {}),
    ...(request.seed != null ? { seed: request.seed } : {}),
    ...(request.presence_penalty != null ? { presencePenalty: request.presence_penalty } : {}),
    ...(request.frequency_penalty != null ? { frequencyPenalty: request.frequency_penalty } : {}),
    ...(format?.type === 'json_object' ? { responseMimeType: 'application/json' } : {}),
    ...(format?.type === 'json_schema'
      ? { responseMimeType: 'application/json', ...(format.json_schema.schema ? { responseJsonSchema: format.json_schema.schema } : {}) }
      : {}),
    ...responseModalities(request),
    ...(thinking ? { thinkingConfig: { thinkingBudget: thinking.budget, includeThoughts: true } } : {}),
  };
  const tools = (request.tools ?? []).flatMap((tool) =>
    tool.type === 'function'
      ? [{ name: tool.function.name, ...(tool.function.description ? { description: tool.function.description } : {}), ...(tool.function.parameters ? { parametersJsonSchema: tool.function.parameters } : {}) }]
      : [],
  );
  return {
    contents,
    ...(system.length > 0 ? { systemInstruction: { parts: [{ text: system.join('\n\n') }] } } : {}),
    ...(tools.length > 0 ? { tools: [{ functionDeclarations: tools }] } : {}),
    ...toolConfigFor(request),
    ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
  };
}

function toolConfigFor(request: ChatCompletionRequest): Record<string, unknown> {
  const choice = request.tool_choice;
  if (choice === undefined || choice === 'auto') return {};
  if (choice === 'none') return { toolConfig: { functionCallingConfig: { mode: 'NONE' } } };
  if (choice === 'required') return { toolConfig: { functionCallingConfig: { mode: 'ANY' } } };
  if (choice.type === 'function') {
    return { toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } } };
  }
  throw unsupportedParameter('tool_choice', `tool_choice of type "${choice.type}" has no Gemini equivalent.`);
}

function toContent(message: Exclude<ChatMessage, InstructionMessage>, toolNames: Map<string, string>): Content {
  switch (message.role) {
    case 'user':
      return { role: 'user', parts: typeof message.content === 'string' ? [{ text: message.content }] : message.content.map(userPart) };
    case 'assistant': {
      const parts: Part[] = [];
      const said = textOf(message.content ?? '');
      if (said) parts.push({ text: said });
      for (const call of message.tool_calls ?? []) {
        toolNames.set(call.id, call.function.name);
        parts.push({ functionCall: { name: call.function.name, args: parseToolArguments(call.function.arguments) } });
      }
      return { role: 'model', parts };
    }
    case 'tool': {
      const name = toolNames.get(message.tool_call_id);
      if (!name) throw unsupportedParameter('messages', `No earlier tool call has the id "${message.tool_call_id}".`);
      return { role: 'user', parts: [{ functionResponse: { name, response: { content: textOf(message.content) } } }] };
    }
    case 'function':
      return { role: 'user', parts: [{ functionResponse: { name: message.name, response: { content: message.content ?? '' } } }] };
  }
}

function userPart(part: UserContentPart): Part {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image_url':
      return inline(part.image_url.url, 'image');
    case 'file':
      if (!part.file.file_data) throw unsupportedParameter('messages', 'Gemini needs file contents (file_data), not a file_id.');
      return inline(part.file.file_data, 'file');
    case 'input_file':
      return inline(part.file_data, 'file');
    case 'input_audio':
      return { inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } };
  }
}

/** Gemini takes media inline; it cannot fetch arbitrary URLs, so only data URLs are accepted. */
function inline(url: string, what: string): Part {
  const data = parseDataUrl(url);
  if (!data) throw unsupportedParameter('messages', `Gemini needs the ${what} inline, as a base64 data URL.`);
  return { inlineData: { mimeType: data.mediaType, data: data.data } };
}

/** OpenAI's `modalities` (["text", "image"]): image models answer with images where asked. */
function responseModalities(request: ChatCompletionRequest): { responseModalities?: string[] } {
  const modalities = (request as { modalities?: unknown }).modalities;
  if (!Array.isArray(modalities) || modalities.length === 0) return {};
  return { responseModalities: modalities.filter((modality): modality is string => typeof modality === 'string').map((modality) => modality.toUpperCase()) };
}
