import type { ChatCompletionChunk } from '../../schemas/openai-chat-response.js';
import type { GeminiCandidate } from './gemini-wire.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];
type ToolCallDelta = NonNullable<Delta['tool_calls']>[number];

/**
 * One streamed candidate → OpenAI deltas for its choice: reasoning, text, then tool calls
 * numbered from `nextToolIndex`. Gemini sends each function call whole, in one part.
 */
export function deltasOf(candidate: GeminiCandidate, nextToolIndex: number): { deltas: Delta[]; tools: number } {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCallDelta[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) {
      const index = nextToolIndex + toolCalls.length;
      toolCalls.push({
        index,
        // Gemini may omit ids; OpenAI clients need one to answer the call.
        id: part.functionCall.id ?? `call_${index}`,
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    } else if (part.text !== undefined) {
      if (part.thought) reasoning += part.text;
      else text += part.text;
    }
  }
  const deltas: Delta[] = [];
  if (reasoning) deltas.push({ reasoning_content: reasoning });
  if (text) deltas.push({ content: text });
  for (const call of toolCalls) deltas.push({ tool_calls: [call] });
  return { deltas, tools: toolCalls.length };
}
