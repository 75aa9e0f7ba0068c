import { GatewayError } from '../../core/errors.js';
import { isKnownBlock, type AnthropicContentBlock, type AnthropicMessagesRequest, type KnownAnthropicBlock } from '../../core/schemas/anthropic-messages-request.js';
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from '../../core/schemas/openai-chat-request.js';

/** Request fields only Anthropic's API has: a target of another protocol cannot honour them. */
const anthropicOnlyFields = ['top_k', 'mcp_servers', 'container', 'context_management'] as const;

/**
 * Anthropic Messages request → the gateway's canonical (OpenAI) request, for targets that speak
 * another protocol (Anthropic targets get the request as it is: native-messages-body.ts).
 * Thinking blocks of earlier turns are dropped (their signatures only mean something to
 * Anthropic); `cache_control` is carried on text parts (Bedrock turns it into cache points).
 * What cannot be carried (server tools, Anthropic-only fields and blocks, citations) is a 400
 * naming the field, never silently lost.
 */
export function fromAnthropicRequest(request: AnthropicMessagesRequest): ChatCompletionRequest {
  refuseUncarried(request);
  const messages: ChatMessage[] = [];
  const system = typeof request.system === 'string' ? request.system : request.system?.map(({ type, text, cache_control }) => ({ type, text, ...(cache_control ? { cache_control } : {}) }));
  if (system?.length) messages.push({ role: 'system', content: system });
  for (const turn of request.messages) {
    const blocks = (typeof turn.content === 'string' ? [{ type: 'text', text: turn.content }] : turn.content) as KnownAnthropicBlock[];
    if (turn.role === 'assistant') messages.push(assistantMessage(blocks));
    else messages.push(...userMessages(blocks));
  }
  const choice = request.tool_choice;
  const budget = request.thinking?.type === 'enabled' ? request.thinking.budget_tokens : undefined;
  return {
    model: request.model,
    messages,
    max_tokens: request.max_tokens,
    stream: request.stream === true,
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.top_p !== undefined ? { top_p: request.top_p } : {}),
    ...(request.stop_sequences?.length ? { stop: request.stop_sequences } : {}),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((tool) => ({
            type: 'function' as const,
            function: { name: tool.name, ...(tool.description ? { description: String(tool.description) } : {}), parameters: tool.input_schema as Record<string, unknown> },
          })),
        }
      : {}),
    ...(choice ? { tool_choice: toolChoice(choice) } : {}),
    ...(choice?.disable_parallel_tool_use ? { parallel_tool_calls: false } : {}),
    // The budget as a budget string, so targets that take budgets get exactly it (reasoning-budget.ts).
    ...(budget !== undefined ? { reasoning_effort: String(budget) } : request.thinking?.type === 'adaptive' ? { reasoning_effort: 'medium' } : {}),
    ...(request.metadata?.user_id ? { user: request.metadata.user_id } : {}),
    ...(request.requesty ? { requesty: request.requesty } : {}),
  };
}

function refuseUncarried(request: AnthropicMessagesRequest): void {
  for (const field of anthropicOnlyFields) {
    if (request[field] !== undefined) throw uncarried(field, `${field} is Anthropic's alone`);
  }
  for (const [index, tool] of (request.tools ?? []).entries()) {
    if (tool.type !== undefined && tool.type !== 'custom') throw uncarried(`tools[${index}].type`, `the server tool ${String(tool.type)} runs only on Anthropic`);
  }
  for (const [turnIndex, turn] of request.messages.entries()) {
    if (typeof turn.content === 'string') continue;
    for (const [blockIndex, block] of turn.content.entries()) {
      const at = `messages[${turnIndex}].content[${blockIndex}]`;
      if (!isKnownBlock(block)) throw uncarried(`${at}.type`, `a ${block.type} block exists only in Anthropic's API`);
      if (block.type === 'document' && isEnabled(block.citations)) throw uncarried(`${at}.citations`, 'citations are produced only by Anthropic');
      if (block.type === 'document' && block.source.type !== 'base64' && block.source.type !== 'url') {
        throw uncarried(`${at}.source.type`, 'only base64 and URL documents can be carried');
      }
    }
  }
}

function isEnabled(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { enabled?: unknown }).enabled === true;
}

function uncarried(param: string, why: string): GatewayError {
  return new GatewayError(400, 'unsupported_parameter', `${param} cannot be carried to a model outside Anthropic's protocol: ${why}. Use an anthropic/ model, or leave it out.`, {
    param,
    type: 'invalid_request_error',
  });
}

function toolChoice(choice: NonNullable<AnthropicMessagesRequest['tool_choice']>): ChatCompletionRequest['tool_choice'] {
  if (choice.type === 'any') return 'required';
  if (choice.type === 'none') return 'none';
  if (choice.type === 'auto') return 'auto';
  if (!choice.name) throw new GatewayError(400, 'invalid_request', 'tool_choice of type "tool" needs a name.', { param: 'tool_choice' });
  return { type: 'function', function: { name: choice.name } };
}

function assistantMessage(blocks: KnownAnthropicBlock[]): ChatMessage {
  const text = blocks.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
  const toolCalls = blocks.flatMap((block) =>
    block.type === 'tool_use'
      ? [{ id: block.id, type: 'function' as const, function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } }]
      : [],
  );
  return { role: 'assistant', content: text || null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
}

/** Tool results become `tool` messages, ahead of what else the user said in that turn. */
function userMessages(blocks: KnownAnthropicBlock[]): ChatMessage[] {
  const results: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      const content = typeof block.content === 'string' ? block.content : (block.content ?? []).map(textOfPart).join('');
      results.push({ role: 'tool', tool_call_id: block.tool_use_id, content: block.is_error ? `Error: ${content}` : content });
    } else if (block.type === 'text') parts.push({ type: 'text', text: block.text, ...(block.cache_control ? { cache_control: block.cache_control } : {}) });
    else if (block.type === 'image') parts.push({ type: 'image_url', image_url: { url: mediaUrl(block.source) } });
    else if (block.type === 'document') {
      // Inline PDFs take OpenAI's file part; by URL, Requesty's input_file part.
      const filename = block.title ? { filename: block.title } : {};
      const source = block.source;
      if (source.type === 'base64') parts.push({ type: 'file', file: { file_data: mediaUrl(source), ...filename } });
      else if (source.type === 'url') parts.push({ type: 'input_file', file_data: source.url, ...filename });
    }
  }
  return parts.length > 0 ? [...results, { role: 'user', content: parts }] : results;
}

function textOfPart(part: AnthropicContentBlock): string {
  return part.type === 'text' && typeof part.text === 'string' ? part.text : '';
}

function mediaUrl(source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string }): string {
  return source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
}
