import type { Usage } from '../../schemas/openai-chat-response.js';
import type { ConverseUsage } from './bedrock-wire.js';

/** https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_MessageStopEvent.html */
export function toFinishReason(stopReason: string | undefined, structured: boolean): string | null {
  if (stopReason === undefined) return null;
  if (stopReason === 'tool_use') return structured ? 'stop' : 'tool_calls';
  if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') return 'length';
  if (stopReason === 'guardrail_intervened' || stopReason === 'content_filtered') return 'content_filter';
  return 'stop';
}

/** Converse counts cache reads and writes apart from inputTokens, as Anthropic does. */
export function toOpenAIUsage(usage: ConverseUsage | undefined): Usage {
  const cacheRead = usage?.cacheReadInputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteInputTokens ?? 0;
  const prompt = (usage?.inputTokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage?.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite },
  };
}
