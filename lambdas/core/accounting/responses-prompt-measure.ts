import type { ResponsesRequest } from '../schemas/openai-responses-request.js';
import type { PromptMeasure } from './usage-bound.js';

type Part = { type?: unknown; image_url?: unknown; file_data?: unknown; input_audio?: { data?: unknown } };

/**
 * What a Responses request's prompt is made of (usage-bound.ts): inline images, files and audio
 * apart from the text, in a message or a function call's output. What the upstream holds for
 * the request (a previous response, a conversation, a referenced item) follows nothing in its
 * bytes: like a file, it is bounded only by the context window.
 */
export function measureResponsesPrompt(request: ResponsesRequest, requestBytes: number): PromptMeasure {
  let mediaBytes = 0;
  let images = 0;
  let otherMedia = 0;
  const inline = (data: unknown) => (typeof data === 'string' ? data.length : 0);
  const visit = (part: Part) => {
    if (part.type === 'input_image') {
      images++;
      mediaBytes += inline(part.image_url);
    } else if (part.type === 'input_file') {
      otherMedia++;
      mediaBytes += inline(part.file_data);
    } else if (part.type === 'input_audio') {
      otherMedia++;
      mediaBytes += inline(part.input_audio?.data);
    }
  };
  for (const item of typeof request.input === 'string' ? [] : request.input) {
    if (item.type === 'item_reference') otherMedia++;
    const parts = 'content' in item ? item.content : 'output' in item ? item.output : undefined;
    if (Array.isArray(parts)) for (const part of parts as Part[]) visit(part);
  }
  if (request.previous_response_id || request.conversation != null) otherMedia++;
  return { textBytes: Math.max(0, requestBytes - mediaBytes), images, otherMedia };
}
