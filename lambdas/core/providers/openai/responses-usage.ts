import type { BuiltinTool, BuiltinToolCalls, Usage } from '../../schemas/openai-chat-response.js';
import type { ResponseObject, ResponsesUsage } from './responses-wire.js';

/**
 * The Responses API's usage as the gateway's (chat) usage: input_tokens includes the cached
 * part, as prompt_tokens does (https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage).
 * `calls`: the built-in tool calls the response made, which OpenAI bills apart from tokens.
 */
export function fromResponsesUsage(usage: ResponsesUsage, calls: BuiltinToolCalls = {}): Usage {
  const cached = Math.min(usage.input_tokens_details?.cached_tokens ?? 0, usage.input_tokens);
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0 },
    ...(Object.keys(calls).length > 0 && { builtin_tool_calls: calls }),
  };
}

/** A finished response's usage, its billed web searches included; undefined when it reported none. */
export function responseUsage(response: ResponseObject): Usage | undefined {
  if (!response.usage) return undefined;
  // Each web_search_call whose action is a search is one billed call; opening or reading a page is not
  // (https://platform.openai.com/docs/guides/tools-web-search#output-and-citations).
  const searches = (response.output ?? []).filter((item) => item.type === 'web_search_call' && isSearch(item.action)).length;
  return fromResponsesUsage(response.usage, searches > 0 ? { [responsesWebSearchTool(response.tools) ?? 'web_search']: searches } : {});
}

/** A web search call's action: a search, unless it says it opened or read a page. */
function isSearch(action: unknown): boolean {
  const type = typeof action === 'object' && action !== null ? (action as { type?: unknown }).type : undefined;
  return type === undefined || type === 'search';
}

/**
 * The price a Responses request's web searches are billed at, from the tools it offers:
 * `web_search_preview`'s when that is the only web search tool offered, else `web_search`'s;
 * undefined when it offers none (https://platform.openai.com/docs/pricing#built-in-tools).
 */
export function responsesWebSearchTool(tools: ReadonlyArray<{ type: string }> | null | undefined): BuiltinTool | undefined {
  const types = (tools ?? []).map((tool) => tool.type);
  if (types.some((type) => /^web_search(_\d|$)/.test(type))) return 'web_search';
  return types.some((type) => type.startsWith('web_search_preview')) ? 'web_search_preview' : undefined;
}

/**
 * The status an error a Responses stream reports stands for: its codes are OpenAI's
 * (`rate_limit_exceeded`, `server_error`, `invalid_prompt`, …), with no HTTP status of their own.
 */
export function responsesErrorStatus(code: string | null | undefined): number {
  if (code === 'rate_limit_exceeded') return 429;
  if (code?.startsWith('invalid_')) return 400;
  return 500;
}

/** The finish reason a finished response stands for, in the request log's (chat) terms. */
export function responsesFinishReason(type: string, incompleteReason: string | null | undefined, calledTools: boolean): string | undefined {
  if (type === 'response.incomplete') return incompleteReason === 'content_filter' ? 'content_filter' : 'length';
  if (type === 'response.completed') return calledTools ? 'tool_calls' : 'stop';
  return undefined;
}
