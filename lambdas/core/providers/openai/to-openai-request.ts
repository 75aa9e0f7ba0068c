import { effortLevel } from '../reasoning-budget.js';
import type { ChatCompletionRequest } from '../../schemas/openai-chat-request.js';

/**
 * The request is already in OpenAI's format: only the gateway's own fields change. Unknown
 * fields stay, so OpenAI-compatible hosts receive parameters the gateway has never heard of.
 * The upstream is always asked for a stream (the gateway assembles JSON answers itself), with
 * usage, which the gateway needs for accounting; whether the client sees the usage chunk is
 * decided when encoding.
 */
export function toOpenAIRequest(request: ChatCompletionRequest, model: string): string {
  const { requesty: _requesty, ...body } = request;
  const effort = body.reasoning_effort ? { reasoning_effort: effortLevel(body.reasoning_effort) } : {};
  return JSON.stringify({ ...body, ...effort, model, stream: true, stream_options: { ...body.stream_options, include_usage: true } });
}
