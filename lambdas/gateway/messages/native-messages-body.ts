/**
 * The body an Anthropic-protocol target receives for a /v1/messages request: the client's JSON
 * as it came (field order, thinking signatures, cache_control, server tools, betas' fields),
 * with only the upstream's model name, `stream` (the gateway always streams, to notice a hung
 * or thinking provider in time and fail over), and without the gateway's own `requesty` field.
 */
export function nativeMessagesBody(raw: Readonly<Record<string, unknown>>, model: string, edit?: (body: Record<string, unknown>) => void): string {
  const { requesty: _requesty, ...body } = raw;
  const upstream: Record<string, unknown> = { ...body, model, stream: true };
  edit?.(upstream);
  return JSON.stringify(upstream);
}

/** What count_tokens takes (https://docs.anthropic.com/en/api/messages-count-tokens); it refuses other fields. */
const countTokensFields = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'mcp_servers', 'context_management'];

/** The body of a count_tokens call: the fields count_tokens takes, as they came, with the upstream's model. */
export function nativeCountTokensBody(raw: Readonly<Record<string, unknown>>, model: string): string {
  const body: Record<string, unknown> = {};
  for (const field of countTokensFields) if (raw[field] !== undefined) body[field] = field === 'model' ? model : raw[field];
  return JSON.stringify(body);
}
