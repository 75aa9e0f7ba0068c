import { withMessagesToolCallBound } from '../../core/accounting/builtin-tool-bound.js';
import { withCacheBreakpoints } from '../../core/providers/anthropic/cache-breakpoints.js';

/**
 * The request an Anthropic-protocol target receives for /v1/messages: the client's JSON as it
 * came (field order, thinking signatures, cache_control, server tools, betas' fields), without
 * the gateway's own `requesty` field; with `autoCache`, auto_cache's breakpoints; under a spend
 * limit (`spendLimited`), with `max_uses` on a web search tool that has none (builtin-tool-bound.ts).
 * Each target then sets the model and streaming its own way (anthropic-native-calls.ts,
 * bedrock-native-calls.ts).
 */
export function nativeMessagesBody(raw: Readonly<Record<string, unknown>>, options: { autoCache: boolean; spendLimited: boolean }): Record<string, unknown> {
  const { requesty: _requesty, ...body } = raw;
  if (options.spendLimited) withMessagesToolCallBound(body);
  if (options.autoCache) withCacheBreakpoints(body);
  return body;
}

/** What count_tokens takes (https://docs.anthropic.com/en/api/messages-count-tokens); it refuses other fields. */
const countTokensFields = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'mcp_servers', 'context_management'];

/** The body of a count_tokens call: the fields count_tokens takes, as they came, with the upstream's model. */
export function nativeCountTokensBody(raw: Readonly<Record<string, unknown>>, model: string): string {
  const body: Record<string, unknown> = {};
  for (const field of countTokensFields) if (raw[field] !== undefined) body[field] = field === 'model' ? model : raw[field];
  return JSON.stringify(body);
}
