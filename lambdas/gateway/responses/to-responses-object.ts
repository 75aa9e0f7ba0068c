import { randomUUID } from 'node:crypto';
import type { ResponsesRequest } from '../../core/schemas/openai-responses-request.js';
import type { ChatCompletion, Usage } from '../../core/schemas/openai-chat-response.js';

// https://platform.openai.com/docs/api-reference/responses/object

export type ResponseItem = Record<string, unknown> & { type: string; id: string };
export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete';

/** Ids in OpenAI's style (`resp_…`, `msg_…`, `fc_…`, `rs_…`): a prefix and 32 hex digits. */
export function itemId(prefix: 'resp' | 'msg' | 'fc' | 'rs'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}

/** Whether the client asked for reasoning summaries, which is when reasoning text is returned. */
export function wantsReasoning(request: ResponsesRequest): boolean {
  return Boolean(request.reasoning?.summary);
}

/**
 * The response object around its output: the request's settings echoed as OpenAI does.
 * `store` is always false: the gateway keeps no responses.
 */
export function responseObject(
  request: ResponsesRequest,
  id: string,
  createdAt: number,
  state: { status: ResponseStatus; finishReason?: string | null; output: ResponseItem[]; usage?: Usage | undefined },
): Record<string, unknown> {
  const incomplete = state.status === 'incomplete' ? { reason: state.finishReason === 'content_filter' ? 'content_filter' : 'max_output_tokens' } : null;
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: state.status,
    background: false,
    error: null,
    incomplete_details: incomplete,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    model: request.model,
    output: state.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    store: false,
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: 'disabled',
    usage: state.usage ? responsesUsage(state.usage) : null,
    ...(request.user ? { user: request.user } : {}),
  };
}

/** The status a finished answer has: cut by its token limit or a filter, it is incomplete. */
export function finishedStatus(finishReason: string | null | undefined): ResponseStatus {
  return finishReason === 'length' || finishReason === 'content_filter' ? 'incomplete' : 'completed';
}

/** Chat usage → Responses usage, with cached and reasoning tokens; `cost` (dollars) as the gateway adds it. */
export function responsesUsage(usage: Usage): Record<string, unknown> {
  const cost = (usage as { cost?: unknown }).cost;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
    ...(typeof cost === 'number' ? { cost } : {}),
  };
}

export function messageItem(id: string, text: string, status: 'in_progress' | 'completed'): ResponseItem {
  return { id, type: 'message', role: 'assistant', status, content: text || status === 'completed' ? [outputTextPart(text)] : [] };
}

export function outputTextPart(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function functionCallItem(id: string, call: { id: string; name: string; arguments: string }, status: 'in_progress' | 'completed'): ResponseItem {
  return { id, type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments, status };
}

export function reasoningItem(id: string, summary: string): ResponseItem {
  return { id, type: 'reasoning', summary: summary ? [{ type: 'summary_text', text: summary }] : [] };
}

/** A whole chat completion → the Responses object: reasoning (when asked for), text, then function calls. */
export function toResponsesObject(
  completion: ChatCompletion,
  request: ResponsesRequest,
  ids: { responseId: string; createdAt: number },
): Record<string, unknown> {
  const choice = completion.choices[0];
  const message = choice?.message;
  const output: ResponseItem[] = [];
  const reasoning = (message as { reasoning_content?: unknown } | undefined)?.reasoning_content;
  if (wantsReasoning(request) && typeof reasoning === 'string' && reasoning) output.push(reasoningItem(itemId('rs'), reasoning));
  if (message?.content) output.push(messageItem(itemId('msg'), message.content, 'completed'));
  for (const call of message?.tool_calls ?? []) output.push(functionCallItem(itemId('fc'), { id: call.id, name: call.function.name, arguments: call.function.arguments }, 'completed'));
  return responseObject(request, ids.responseId, ids.createdAt, {
    status: finishedStatus(choice?.finish_reason),
    finishReason: choice?.finish_reason ?? null,
    output,
    usage: completion.usage,
  });
}
