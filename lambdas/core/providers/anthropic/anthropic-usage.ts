import type { Usage } from '../../schemas/openai-chat-response.js';
import type { AnthropicUsage } from './anthropic-wire.js';

/**
 * Anthropic counts cached input apart from `input_tokens`; OpenAI's prompt_tokens includes it,
 * with the cached part in prompt_tokens_details. Cache writes have no OpenAI field, so they go
 * in `cache_creation_tokens` beside it, which accounting prices separately; web searches, billed
 * by the search, in `builtin_tool_calls`.
 */
export function toOpenAIUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage.output_tokens ?? 0;
  const searches = usage.server_tool_use?.web_search_requests ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite },
    ...(searches > 0 && { builtin_tool_calls: { web_search: searches } }),
  };
}

/** https://docs.anthropic.com/en/api/messages#response-stop-reason */
export function toFinishReason(stopReason: string | null | undefined): string | null {
  switch (stopReason) {
    case undefined:
    case null:
      return null;
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
