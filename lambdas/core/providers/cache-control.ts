/**
 * Anthropic's `cache_control` as clients put it on OpenAI content parts
 * (`{"type": "text", "text": "...", "cache_control": {"type": "ephemeral"}}`), carried to the
 * providers whose caches are explicit (Anthropic, Bedrock); others cache implicitly and ignore it.
 */
export function cacheControlOf(part: unknown): { cache_control: Record<string, unknown> } | Record<string, never> {
  const value = typeof part === 'object' && part !== null ? (part as { cache_control?: unknown }).cache_control : undefined;
  return typeof value === 'object' && value !== null ? { cache_control: value as Record<string, unknown> } : {};
}

/** Whether any part of a message's content carries a cache_control. */
export function anyCacheControl(content: unknown): boolean {
  return Array.isArray(content) && content.some((part) => 'cache_control' in cacheControlOf(part));
}
