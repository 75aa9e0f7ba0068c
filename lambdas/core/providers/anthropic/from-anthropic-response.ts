import type { ChatCompletion } from '../../schemas/openai-chat-response.js';
import { assistantChoice, type AssistantTurn } from '../assistant-choice.js';
import type { AnthropicTranslation } from './to-anthropic-request.js';
import { toFinishReason, toOpenAIUsage } from './anthropic-usage.js';
import type { AnthropicMessage } from './anthropic-wire.js';

/** Anthropic message → OpenAI chat completion: text, tool calls, reasoning and usage. */
export function fromAnthropicResponse(message: AnthropicMessage, translation: AnthropicTranslation, created: number): ChatCompletion {
  let content = '';
  let reasoning = '';
  const toolCalls: AssistantTurn['toolCalls'] = [];
  for (const block of message.content) {
    if (block.type === 'text' && 'text' in block) content += String(block.text);
    else if (block.type === 'thinking' && 'thinking' in block) reasoning += String(block.thinking);
    else if (block.type === 'tool_use' && 'name' in block && 'id' in block) {
      const args = JSON.stringify(block.input ?? {});
      // A structured-output request is a forced tool call: its input is the JSON answer.
      if (block.name === translation.structuredOutputTool) content += args;
      else toolCalls.push({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: args } });
    }
  }
  const structured = translation.structuredOutputTool !== undefined;
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [
      assistantChoice(
        0,
        { content, reasoning, toolCalls },
        structured && message.stop_reason === 'tool_use' ? 'stop' : toFinishReason(message.stop_reason),
      ),
    ],
    usage: toOpenAIUsage(message.usage),
  };
}
