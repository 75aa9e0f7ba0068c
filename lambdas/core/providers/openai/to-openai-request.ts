import type { ChatCompletionRequest } from '../../schemas/openai-chat-request.js';

/**
 * The request is already in OpenAI's format: only the gateway's own fields change. Unknown
 * fields stay, so OpenAI-compatible hosts receive parameters the gateway has never heard of.
 * Streams always ask for usage, which the gateway needs for accounting; whether the client
 * sees the usage chunk is decided when encoding.
 */
export function toOpenAIRequest(request: ChatCompletionRequest, model: string, stream: boolean): string {
  const { requesty: _requesty, ...body } = request;
  return JSON.stringify({
    ...body,
    model,
    stream,
    ...(stream ? { stream_options: { ...body.stream_options, include_usage: true } } : { stream_options: undefined }),
  });
}
