import type { ChatCompletion, Usage } from '../../core/schemas/openai-chat-response.js';

/** The Anthropic usage object for OpenAI usage (cached and cache-write tokens split back out). */
export function toAnthropicUsage(usage: Usage | null | undefined): Record<string, number> {
  const details = (usage?.prompt_tokens_details ?? {}) as { cached_tokens?: number; cache_creation_tokens?: number };
  const cacheRead = details.cached_tokens ?? 0;
  const cacheWrite = details.cache_creation_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
  };
}

/** https://docs.anthropic.com/en/api/messages#response-stop-reason */
export function toStopReason(finishReason: string | null | undefined): string {
  if (finishReason === 'length') return 'max_tokens';
  if (finishReason === 'tool_calls' || finishReason === 'function_call') return 'tool_use';
  if (finishReason === 'content_filter') return 'refusal';
  return 'end_turn';
}

/** OpenAI chat completion → Anthropic message: thinking, text and tool_use blocks, usage. */
export function toAnthropicMessage(completion: ChatCompletion, model: string): Record<string, unknown> {
  const choice = completion.choices[0];
  const message = choice?.message;
  const reasoning = (message as { reasoning_content?: unknown } | undefined)?.reasoning_content;
  const content: Array<Record<string, unknown>> = [];
  if (typeof reasoning === 'string' && reasoning) content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  if (message?.content) content.push({ type: 'text', text: message.content });
  for (const call of message?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseInput(call.function.arguments) });
  }
  return {
    id: completion.id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: toStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: toAnthropicUsage(completion.usage),
  };
}

function parseInput(args: string): unknown {
  try {
    return JSON.parse(args || '{}');
  } catch {
    return {};
  }
}
