import { responsesWebSearchTool } from '../providers/openai/responses-usage.js';
import type { AnthropicTool } from '../schemas/anthropic-messages-request.js';
import type { BuiltinToolCalls } from '../schemas/openai-chat-response.js';
import type { ResponsesRequest } from '../schemas/openai-responses-request.js';

/**
 * The web searches a request that offers web search without a bound of its own may make: the
 * gateway sets it on the request it passes on (Anthropic's `max_uses`, OpenAI's
 * `max_tool_calls`), so that what a spend limit holds for the request is what it can be billed.
 */
export const defaultBuiltinToolCalls = 20;

/** Anthropic's web search server tool (`web_search_20250305`, …); web fetch and code execution are not billed by the call. */
function isAnthropicWebSearch(tool: { type?: unknown }): boolean {
  return typeof tool.type === 'string' && /^web_search_\d{8}$/.test(tool.type);
}

/** The most web searches a Messages request can be billed for: its web search tool's `max_uses`, else the gateway's. */
export function messagesToolCallBound(tools: readonly AnthropicTool[] | undefined): BuiltinToolCalls {
  const searches = (tools ?? []).filter(isAnthropicWebSearch).reduce((sum, tool) => sum + (typeof tool.max_uses === 'number' ? tool.max_uses : defaultBuiltinToolCalls), 0);
  return searches > 0 ? { web_search: searches } : {};
}

/**
 * The most web searches a Responses request can be billed for: its `max_tool_calls` (over all
 * built-in tools), else the gateway's. A stored prompt may offer web search the gateway cannot
 * see: its searches are held at the dearer tool's price, `web_search_preview`'s.
 */
export function responsesToolCallBound(request: Pick<ResponsesRequest, 'tools' | 'max_tool_calls' | 'prompt'>): BuiltinToolCalls {
  const tool = responsesWebSearchTool(request.tools) ?? (request.prompt ? 'web_search_preview' : undefined);
  return tool ? { [tool]: request.max_tool_calls ?? defaultBuiltinToolCalls } : {};
}

/** A Messages body as passed on: each web search tool without `max_uses` given the gateway's. */
export function withMessagesToolCallBound(body: Record<string, unknown>): void {
  if (!Array.isArray(body.tools)) return;
  body.tools = (body.tools as Array<Record<string, unknown>>).map((tool) =>
    isAnthropicWebSearch(tool) && tool.max_uses == null ? { ...tool, max_uses: defaultBuiltinToolCalls } : tool,
  );
}

/** A Responses body as passed on: with web search offered (or a stored prompt, which may offer it) and no `max_tool_calls`, the gateway's. */
export function withResponsesToolCallBound(body: Record<string, unknown>): void {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ type: string }>) : undefined;
  if ((responsesWebSearchTool(tools) || body.prompt != null) && body.max_tool_calls == null) body.max_tool_calls = defaultBuiltinToolCalls;
}
