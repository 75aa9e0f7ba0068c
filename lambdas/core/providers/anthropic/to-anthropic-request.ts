import type { ChatCompletionRequest, ChatMessage, InstructionMessage, UserContentPart } from '../../schemas/openai-chat-request.js';
import { cacheControlOf } from '../cache-control.js';
import { withCacheBreakpoints } from './cache-breakpoints.js';
import { catalogEntry } from '../../catalog/model-catalog.js';
import { thinkingPlan } from '../reasoning-budget.js';
import { appendTurn, isInstruction, parseDataUrl, parseToolArguments, textOf, unsupportedParameter } from '../message-parts.js';

type Block = Record<string, unknown>;
interface AnthropicTurn {
  role: 'user' | 'assistant';
  content: Block[];
}

/** How the request was shaped, which the response translation needs to undo. */
export interface AnthropicTranslation {
  /** Structured output is asked for as a forced call of this tool; its input is the answer. */
  structuredOutputTool: string | undefined;
}

// Anthropic requires max_tokens; OpenAI callers rarely send it.
const defaultMaxTokens = 4096;
// https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking (minimum budget 1024)
// `min` and `max` and budget strings follow Requesty's table (reasoning-budget.ts).
const thinkingBudgets: Record<string, number> = { minimal: 1024, low: 2048, medium: 8192, high: 16384, xhigh: 32768 };

/**
 * OpenAI chat request → Anthropic Messages request, always streamed (the gateway assembles JSON
 * answers itself). Unsupported asks are 400s, not upstream failures.
 */
export function toAnthropicRequest(request: ChatCompletionRequest, model: string): { body: Record<string, unknown>; translation: AnthropicTranslation } {
  refuseUnsupported(request);
  const system: Block[] = [];
  const turns: AnthropicTurn[] = [];
  for (const message of request.messages) {
    if (isInstruction(message)) system.push(...systemBlocks(message.content));
    else appendTurn(turns, toTurn(message), (turn) => turn.content);
  }

  const format = request.response_format;
  const structuredOutputTool = format?.type === 'json_schema' ? String(format.json_schema.name) : undefined;
  if (format?.type === 'json_object') system.push(text('Respond with a single JSON object and nothing else.'));

  const { maxTokens, thinking } = thinkingFor(request, model);
  const tools = [
    ...(request.tools ?? []).flatMap((tool) =>
      tool.type === 'function'
        ? [{ name: tool.function.name, description: tool.function.description, input_schema: tool.function.parameters ?? { type: 'object', properties: {} } }]
        : [],
    ),
    ...(format?.type === 'json_schema'
      ? [{ name: structuredOutputTool, description: format.json_schema.description ?? 'Return the answer.', input_schema: format.json_schema.schema ?? { type: 'object' } }]
      : []),
  ];
  const body: Record<string, unknown> = {
    model,
    max_tokens: maxTokens,
    messages: turns,
    stream: true,
    // A plain string unless the client marked a cache breakpoint in it.
    ...(system.length > 0 ? { system: system.some((block) => block.cache_control) ? system : system.map((block) => block.text).join('\n\n') } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { top_p: request.top_p } : {}),
    ...(request.stop != null ? { stop_sequences: [request.stop].flat() } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...toolChoiceFor(request, structuredOutputTool),
    ...(thinking ? { thinking } : {}),
    ...(request.user ? { metadata: { user_id: request.user } } : {}),
  };
  if (request.requesty?.auto_cache === true) withCacheBreakpoints(body);
  return { body, translation: { structuredOutputTool } };
}

function systemBlocks(content: string | ReadonlyArray<{ type: string; text: string }>): Block[] {
  return typeof content === 'string' ? [text(content)] : content.map((part) => ({ ...text(part.text), ...cacheControlOf(part) }));
}

function refuseUnsupported(request: ChatCompletionRequest): void {
  if (request.n != null && request.n > 1) throw unsupportedParameter('n', 'Anthropic returns one choice per request; n must be 1.');
  if (request.logprobs) throw unsupportedParameter('logprobs', 'Anthropic models do not return log probabilities.');
  if (request.temperature != null && request.temperature > 1) {
    throw unsupportedParameter('temperature', 'Anthropic accepts temperature from 0 to 1.');
  }
}

function thinkingFor(request: ChatCompletionRequest, model: string): { maxTokens: number; thinking: Block | undefined } {
  const requestedMaxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const plan = thinkingPlan(request.reasoning_effort, {
    budgets: thinkingBudgets,
    requestedMaxTokens,
    defaultMaxTokens,
    modelMaxTokens: catalogEntry(`anthropic/${model}`)?.max_output_tokens,
    budgetWithinMaxTokens: true,
  });
  if (!plan) return { maxTokens: requestedMaxTokens ?? defaultMaxTokens, thinking: undefined };
  if (request.temperature != null && request.temperature !== 1) {
    throw unsupportedParameter('temperature', 'Anthropic models cannot take a temperature while reasoning.');
  }
  if (plan.budget < 1024) throw unsupportedParameter('max_tokens', 'Reasoning on Anthropic needs max_tokens above 1024.');
  return { maxTokens: plan.maxTokens, thinking: { type: 'enabled', budget_tokens: plan.budget } };
}

function toolChoiceFor(request: ChatCompletionRequest, structuredOutputTool: string | undefined): Record<string, unknown> {
  const disableParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (structuredOutputTool) return { tool_choice: { type: 'tool', name: structuredOutputTool } };
  const choice = request.tool_choice;
  if (choice === undefined) return request.tools?.length ? { tool_choice: { type: 'auto', ...disableParallel } } : {};
  if (choice === 'auto') return { tool_choice: { type: 'auto', ...disableParallel } };
  if (choice === 'none') return { tool_choice: { type: 'none' } };
  if (choice === 'required') return { tool_choice: { type: 'any', ...disableParallel } };
  if (choice.type === 'function') return { tool_choice: { type: 'tool', name: choice.function.name, ...disableParallel } };
  throw unsupportedParameter('tool_choice', `tool_choice of type "${choice.type}" has no Anthropic equivalent.`);
}

function toTurn(message: Exclude<ChatMessage, InstructionMessage>): AnthropicTurn {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: typeof message.content === 'string' ? [text(message.content)] : message.content.map(userBlock) };
    case 'assistant': {
      const content: Block[] = [];
      const said = textOf(message.content ?? '');
      if (said) content.push(text(said));
      for (const call of message.tool_calls ?? []) {
        content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments) });
      }
      return { role: 'assistant', content };
    }
    case 'tool':
      return {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: message.tool_call_id,
            content: textOf(message.content),
            ...(typeof message.content === 'string' ? {} : cacheControlOf(message.content.find((part) => 'cache_control' in cacheControlOf(part)))),
          },
        ],
      };
    case 'function':
      throw unsupportedParameter('messages', 'The deprecated "function" role is not supported for Anthropic models; use tools.');
  }
}

function userBlock(part: UserContentPart): Block {
  switch (part.type) {
    case 'text':
      return { ...text(part.text), ...cacheControlOf(part) };
    case 'image_url':
      return { type: 'image', source: source(part.image_url.url), ...cacheControlOf(part) };
    case 'file':
      if (!part.file.file_data) throw unsupportedParameter('messages', 'Anthropic needs file contents (file_data), not a file_id.');
      return { type: 'document', source: source(part.file.file_data), ...(part.file.filename ? { title: part.file.filename } : {}) };
    case 'input_file':
      return { type: 'document', source: source(part.file_data), ...(part.filename ? { title: part.filename } : {}) };
    case 'input_audio':
      throw unsupportedParameter('messages', 'Anthropic models do not accept audio input.');
  }
}

/** A data URL becomes inline base64; anything else is fetched by Anthropic from its URL. */
function source(url: string): Block {
  const inline = parseDataUrl(url);
  return inline ? { type: 'base64', media_type: inline.mediaType, data: inline.data } : { type: 'url', url };
}

function text(value: string): Block {
  return { type: 'text', text: value };
}
