import type { ChatCompletionChunk } from '../../schemas/openai-chat-response.js';
import type { GeminiCandidate } from './gemini-wire.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];
type ToolCallDelta = NonNullable<Delta['tool_calls']>[number];

/**
 * One streamed candidate → OpenAI deltas for its choice: reasoning, text, images, then tool calls
 * numbered from `nextToolIndex`. Gemini sends each function call whole, in one part.
 */
export function deltasOf(candidate: GeminiCandidate, nextToolIndex: number): { deltas: Delta[]; tools: number } {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCallDelta[] = [];
  const images: Array<{ type: 'image_url'; image_url: { url: string } }> = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.inlineData && !part.thought) {
      images.push({ type: 'image_url', image_url: { url: `data:${part.inlineData.mimeType};base64,${part.inlineData.data}` } });
    } else if (part.functionCall) {
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
  // Generated images as Requesty and OpenRouter return them: `message.images`, data URLs.
  if (images.length > 0) deltas.push({ images });
  for (const call of toolCalls) deltas.push({ tool_calls: [call] });
  return { deltas, tools: toolCalls.length };
}
