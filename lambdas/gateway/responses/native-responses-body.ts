import { withResponsesToolCallBound } from '../../core/accounting/builtin-tool-bound.js';

/**
 * The request a Responses-protocol target receives for /v1/responses: the client's JSON as it
 * came (field order, unknown fields, built-in tools, stored-state fields such as
 * previous_response_id), without the gateway's own `requesty` field; under a spend limit
 * (`spendLimited`), with `max_tool_calls` where it offers web search without one
 * (builtin-tool-bound.ts). The provider call sets the upstream's model name and asks for a stream.
 */
export function nativeResponsesBody(raw: Readonly<Record<string, unknown>>, spendLimited = false): Record<string, unknown> {
  const { requesty: _requesty, ...body } = raw;
  if (spendLimited) withResponsesToolCallBound(body);
  return body;
}
