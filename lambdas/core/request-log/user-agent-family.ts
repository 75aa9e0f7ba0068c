/** Known clients, by the product their User-Agent starts with (SDKs name themselves first). */
const families: ReadonlyArray<[RegExp, string]> = [
  [/^(Async)?OpenAI\/Python/i, 'openai-python'],
  [/^OpenAI\/JS/i, 'openai-node'],
  [/^(Async)?Anthropic\/Python/i, 'anthropic-python'],
  [/^Anthropic\/JS/i, 'anthropic-node'],
  [/^claude-cli\//i, 'claude-code'],
  [/^python-requests\//i, 'python-requests'],
  [/^curl\//i, 'curl'],
  [/^node(-fetch)?\b/i, 'node'],
  [/^undici\b/i, 'node'],
  [/^Mozilla\//, 'browser'],
];

/**
 * The family of a User-Agent, for grouping requests by the kind of client that sent them: a
 * known SDK or tool by name, anything else by its first product token (lower-cased, without
 * its version), so versions and platforms do not split one client into many.
 */
export function userAgentFamily(userAgent: string | undefined): string | null {
  const agent = userAgent?.trim();
  if (!agent) return null;
  for (const [pattern, family] of families) if (pattern.test(agent)) return family;
  const product = /^[A-Za-z][\w.-]{0,63}/.exec(agent)?.[0];
  return product ? product.toLowerCase() : 'other';
}
