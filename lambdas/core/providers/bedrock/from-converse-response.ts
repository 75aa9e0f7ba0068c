import type { ChatCompletion, Usage } from '../../schemas/openai-chat-response.js';
import { assistantChoice, type AssistantTurn } from '../assistant-choice.js';
import type { ConverseResponse, ConverseUsage } from './bedrock-wire.js';
import type { ConverseTranslation } from './to-converse-request.js';

/** https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax */
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

export function fromConverseResponse(
  response: ConverseResponse,
  translation: ConverseTranslation,
  model: string,
  id: string,
  created: number,
): ChatCompletion {
  let content = '';
  let reasoning = '';
  const toolCalls: AssistantTurn['toolCalls'] = [];
  for (const block of response.output.message.content) {
    if (block.text !== undefined) content += block.text;
    else if (block.reasoningContent?.reasoningText) reasoning += block.reasoningContent.reasoningText.text;
    else if (block.toolUse) {
      const args = JSON.stringify(block.toolUse.input ?? {});
      if (block.toolUse.name === translation.structuredOutputTool) content += args;
      else toolCalls.push({ id: block.toolUse.toolUseId, type: 'function', function: { name: block.toolUse.name, arguments: args } });
    }
  }
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [assistantChoice(0, { content, reasoning, toolCalls }, toFinishReason(response.stopReason, translation.structuredOutputTool !== undefined))],
    usage: toOpenAIUsage(response.usage),
  };
}
