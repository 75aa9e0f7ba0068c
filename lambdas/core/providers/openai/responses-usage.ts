import type { Usage } from '../../schemas/openai-chat-response.js';
import type { ResponsesUsage } from './responses-wire.js';

/**
 * The Responses API's usage as the gateway's (chat) usage: input_tokens includes the cached
 * part, as prompt_tokens does (https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage).
 */
export function fromResponsesUsage(usage: ResponsesUsage): Usage {
  const cached = Math.min(usage.input_tokens_details?.cached_tokens ?? 0, usage.input_tokens);
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0 },
  };
}

/**
 * The status an error a Responses stream reports stands for: its codes are OpenAI's
 * (`rate_limit_exceeded`, `server_error`, `invalid_prompt`, …), with no HTTP status of their own.
 */
export function responsesErrorStatus(code: string | null | undefined): number {
  if (code === 'rate_limit_exceeded') return 429;
  if (code?.startsWith('invalid_')) return 400;
  return 500;
}

/** The finish reason a finished response stands for, in the request log's (chat) terms. */
export function responsesFinishReason(type: string, incompleteReason: string | null | undefined, calledTools: boolean): string | undefined {
  if (type === 'response.incomplete') return incompleteReason === 'content_filter' ? 'content_filter' : 'length';
  if (type === 'response.completed') return calledTools ? 'tool_calls' : 'stop';
  return undefined;
}
