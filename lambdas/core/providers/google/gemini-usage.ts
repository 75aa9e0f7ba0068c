import type { Usage } from '../../schemas/openai-chat-response.js';
import type { GeminiUsage } from './gemini-wire.js';

/** https://ai.google.dev/api/generate-content#FinishReason */
export function toFinishReason(reason: string | undefined, calledTools: boolean): string | null {
  if (reason === undefined) return null;
  if (calledTools) return 'tool_calls';
  if (reason === 'MAX_TOKENS') return 'length';
  if (['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY'].includes(reason)) return 'content_filter';
  return 'stop';
}

/** Gemini counts thinking apart from candidates; OpenAI counts reasoning inside completion tokens. */
export function toOpenAIUsage(usage: GeminiUsage | undefined): Usage {
  const prompt = usage?.promptTokenCount ?? 0;
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  const completion = (usage?.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: usage?.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}
