import type { ChatCompletion, ChatCompletionChunk, Usage } from '../../schemas/openai-chat-response.js';
import { assistantChoice, type AssistantTurn } from '../assistant-choice.js';
import type { GeminiResponse, GeminiUsage } from './gemini-wire.js';

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

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/** The text, reasoning and tool calls of one candidate; Gemini sends function calls whole. */
export function candidateParts(response: GeminiResponse, index: number, nextToolIndex: number) {
  const candidate = response.candidates?.[index];
  let text = '';
  let reasoning = '';
  const toolCalls: AssistantTurn['toolCalls'] = [];
  for (const part of candidate?.content?.parts ?? []) {
    if (part.functionCall) {
      toolCalls.push({
        // Gemini may omit ids; OpenAI clients need one to answer the call.
        id: part.functionCall.id ?? `call_${nextToolIndex + toolCalls.length}`,
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    } else if (part.text !== undefined) {
      if (part.thought) reasoning += part.text;
      else text += part.text;
    }
  }
  return { text, reasoning, toolCalls, finishReason: candidate?.finishReason };
}

export function fromGeminiResponse(response: GeminiResponse, model: string, id: string, created: number): ChatCompletion {
  return {
    id,
    object: 'chat.completion',
    created,
    model: response.modelVersion ?? model,
    choices: (response.candidates ?? []).map((_, index) => {
      const { text, reasoning, toolCalls, finishReason } = candidateParts(response, index, 0);
      return assistantChoice(index, { content: text, reasoning, toolCalls }, toFinishReason(finishReason ?? 'STOP', toolCalls.length > 0));
    }),
    usage: toOpenAIUsage(response.usageMetadata),
  };
}

/** One streamed Gemini response → OpenAI deltas for candidate 0. */
export function deltasOf(response: GeminiResponse, nextToolIndex: number): { deltas: Delta[]; finishReason: string | undefined; tools: number } {
  const { text, reasoning, toolCalls, finishReason } = candidateParts(response, 0, nextToolIndex);
  const deltas: Delta[] = [];
  if (reasoning) deltas.push({ reasoning_content: reasoning });
  if (text) deltas.push({ content: text });
  toolCalls.forEach((call, i) => deltas.push({ tool_calls: [{ index: nextToolIndex + i, ...call }] }));
  return { deltas, finishReason, tools: toolCalls.length };
}
