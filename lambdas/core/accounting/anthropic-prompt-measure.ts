import type { AnthropicCountTokensRequest } from '../schemas/anthropic-messages-request.js';
import type { PromptMeasure } from './usage-bound.js';

/**
 * What an Anthropic Messages request's prompt is made of (usage-bound.ts): inline images and
 * documents apart from the text, wherever they sit (a turn, or a tool result).
 */
export function measureAnthropicPrompt(request: AnthropicCountTokensRequest, requestBytes: number): PromptMeasure {
  let mediaBytes = 0;
  let images = 0;
  let otherMedia = 0;
  const visit = (block: Record<string, unknown>) => {
    const source = block.source as { type?: unknown; data?: unknown } | undefined;
    const inline = source?.type === 'base64' && typeof source.data === 'string' ? source.data.length : 0;
    if (block.type === 'image') {
      images++;
      mediaBytes += inline;
    } else if (block.type === 'document' && (source?.type === 'base64' || source?.type === 'url' || source?.type === 'file')) {
      otherMedia++;
      mediaBytes += inline;
    } else if (block.type === 'tool_result' && Array.isArray(block.content)) {
      for (const inner of block.content as Array<Record<string, unknown>>) visit(inner);
    }
  };
  for (const turn of request.messages) {
    if (typeof turn.content !== 'string') for (const block of turn.content) visit(block);
  }
  return { textBytes: Math.max(0, requestBytes - mediaBytes), images, otherMedia };
}
