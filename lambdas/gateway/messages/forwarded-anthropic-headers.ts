import { longContextBeta } from '../../core/routing/model-aliases.js';

/**
 * The `anthropic-*` request headers that change what Anthropic does (the API version, beta
 * features: Claude Code sends several), forwarded to Anthropic-protocol targets. A model asked
 * for with Claude Code's `[1m]` marker adds the long-context beta.
 */
export function forwardedAnthropicHeaders(headers: Readonly<Record<string, string | undefined>>, longContext: boolean): Record<string, string> {
  const betas = (headers['anthropic-beta'] ?? '')
    .split(',')
    .map((beta) => beta.trim())
    .filter(Boolean);
  if (longContext && !betas.includes(longContextBeta)) betas.push(longContextBeta);
  const version = headers['anthropic-version'];
  return {
    ...(version ? { 'anthropic-version': version } : {}),
    ...(betas.length > 0 ? { 'anthropic-beta': betas.join(',') } : {}),
  };
}
