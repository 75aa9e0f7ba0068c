import { effortLevel } from '../reasoning-budget.js';
import type { ChatCompletionRequest } from '../../schemas/openai-chat-request.js';
import type { ReasoningEffort } from '../../schemas/reasoning-effort.js';

/**
 * The request is already in OpenAI's format: only the gateway's own fields change. Unknown
 * fields stay, so OpenAI-compatible hosts receive parameters the gateway has never heard of.
 */
export function toOpenAIRequest(request: ChatCompletionRequest, model: string, askUsage = true): string {
  const { requesty: _requesty, ...body } = request;
  return toOpenAINativeRequest(body, model, askUsage);
}

/**
 * The body an OpenAI-compatible host gets: the client's JSON in the client's field order, with
 * the upstream's model name, Requesty's efforts as OpenAI's, and always a stream with usage
 * (the gateway assembles JSON answers itself and needs the usage for accounting; whether the
 * client sees the usage chunk is decided on the way back). `body` was validated on the way in.
 * Without `askUsage`, for a host that refuses `stream_options` and sends the usage unasked, the
 * field is left out, the client's own included.
 */
export function toOpenAINativeRequest(body: Readonly<Record<string, unknown>>, model: string, askUsage = true): string {
  const { stream_options: options, ...rest } = body;
  if (!askUsage) return JSON.stringify({ ...rest, ...openAIEffort(body), model, stream: true });
  const asked = typeof options === 'object' && options !== null ? options : {};
  return JSON.stringify({ ...body, ...openAIEffort(body), model, stream: true, stream_options: { ...asked, include_usage: true } });
}

/** The same body asked as one JSON answer (`SWITCHBOARD_UPSTREAM_JSON`), which reports its usage unasked. */
export function toOpenAIJsonRequest(body: Readonly<Record<string, unknown>>, model: string): string {
  const { stream_options: _options, ...rest } = body;
  return JSON.stringify({ ...rest, ...openAIEffort(body), model, stream: false });
}

function openAIEffort(body: Readonly<Record<string, unknown>>): { reasoning_effort?: string } {
  return typeof body.reasoning_effort === 'string' ? { reasoning_effort: effortLevel(body.reasoning_effort as ReasoningEffort) } : {};
}
