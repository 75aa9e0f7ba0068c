import { GatewayError } from '../../core/errors.js';
import type { AnthropicContentBlock, AnthropicMessagesRequest } from '../../core/schemas/anthropic-messages-request.js';
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from '../../core/schemas/openai-chat-request.js';

/**
 * Anthropic Messages request → the gateway's canonical (OpenAI) request, so /v1/messages shares
 * routing, policies and every provider. Thinking blocks of earlier turns are dropped (their
 * signatures only mean something to Anthropic); `top_k` has no OpenAI equivalent and is dropped.
 */
export function fromAnthropicRequest(request: AnthropicMessagesRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  const system = typeof request.system === 'string' ? request.system : request.system?.map((block) => block.text).join('\n\n');
  if (system) messages.push({ role: 'system', content: system });
  for (const turn of request.messages) {
    const blocks: AnthropicContentBlock[] = typeof turn.content === 'string' ? [{ type: 'text', text: turn.content }] : turn.content;
    if (turn.role === 'assistant') messages.push(assistantMessage(blocks));
    else messages.push(...userMessages(blocks));
  }
  const choice = request.tool_choice;
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
            function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.input_schema },
          })),
        }
      : {}),
    ...(choice ? { tool_choice: toolChoice(choice) } : {}),
    ...(choice?.disable_parallel_tool_use ? { parallel_tool_calls: false } : {}),
    ...(request.thinking?.type === 'enabled' ? { reasoning_effort: String(request.thinking.budget_tokens) } : {}),
    ...(request.metadata?.user_id ? { user: request.metadata.user_id } : {}),
    ...(request.requesty ? { requesty: request.requesty } : {}),
  };
}

function toolChoice(choice: NonNullable<AnthropicMessagesRequest['tool_choice']>): ChatCompletionRequest['tool_choice'] {
  if (choice.type === 'any') return 'required';
  if (choice.type === 'none') return 'none';
  if (choice.type === 'auto') return 'auto';
  if (!choice.name) throw new GatewayError(400, 'invalid_request', 'tool_choice of type "tool" needs a name.', { param: 'tool_choice' });
  return { type: 'function', function: { name: choice.name } };
}

function assistantMessage(blocks: AnthropicContentBlock[]): ChatMessage {
  const text = blocks.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
  const toolCalls = blocks.flatMap((block) =>
    block.type === 'tool_use'
      ? [{ id: block.id, type: 'function' as const, function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } }]
      : [],
  );
  return { role: 'assistant', content: text || null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
}

/** Tool results become `tool` messages, ahead of what else the user said in that turn. */
function userMessages(blocks: AnthropicContentBlock[]): ChatMessage[] {
  const results: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      const content = typeof block.content === 'string' ? block.content : (block.content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');
      results.push({ role: 'tool', tool_call_id: block.tool_use_id, content: block.is_error ? `Error: ${content}` : content });
    } else if (block.type === 'text') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image') parts.push({ type: 'image_url', image_url: { url: mediaUrl(block.source) } });
    else if (block.type === 'document') {
      // Inline PDFs take OpenAI's file part; by URL, Requesty's input_file part.
      const filename = block.title ? { filename: block.title } : {};
      parts.push(
        block.source.type === 'base64'
          ? { type: 'file', file: { file_data: mediaUrl(block.source), ...filename } }
          : { type: 'input_file', file_data: block.source.url, ...filename },
      );
    }
  }
  return parts.length > 0 ? [...results, { role: 'user', content: parts }] : results;
}

function mediaUrl(source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string }): string {
  return source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
}
