import type { ChatCompletion } from '../schemas/openai-chat-response.js';

export interface AssistantTurn {
  content: string;
  reasoning: string;
  toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
}

/**
 * One OpenAI choice from what a non-OpenAI model said: content is null when the model only
 * called tools, and reasoning goes to `reasoning_content`, as OpenAI-compatible reasoning APIs do.
 */
export function assistantChoice(index: number, turn: AssistantTurn, finishReason: string | null): ChatCompletion['choices'][number] {
  return {
    index,
    message: {
      role: 'assistant',
      content: turn.content || (turn.toolCalls.length > 0 ? null : ''),
      ...(turn.toolCalls.length > 0 ? { tool_calls: turn.toolCalls } : {}),
      ...(turn.reasoning ? { reasoning_content: turn.reasoning } : {}),
    },
    finish_reason: finishReason,
  };
}
