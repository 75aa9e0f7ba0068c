/**
 * An Anthropic stream event's type, read from its JSON (where no SSE `event:` line names it, as
 * in a Bedrock chunk): the leading `"type"` field, which Anthropic writes first, without parsing
 * the rest; '' when the data has none.
 */
export function anthropicEventType(data: string): string {
  const match = /^\s*\{\s*"type"\s*:\s*"([a-z_]+)"/.exec(data);
  if (match?.[1]) return match[1];
  try {
    const type = (JSON.parse(data) as { type?: unknown }).type;
    return typeof type === 'string' ? type : '';
  } catch {
    return '';
  }
}
