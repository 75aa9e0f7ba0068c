import type { RequestyExtension } from '../schemas/requesty-extension.js';

/**
 * Coding agents whose requests cache by default when they do not say (Requesty's caching page:
 * "calls from Cline or Roo Code default to caching"), known by the app headers they send
 * (`X-Title`, `HTTP-Referer`): Cline (cline.bot) and Roo Code (roocode.com, RooVetGit).
 */
const cachingAgents = /\bcline\b|cline\.bot|\broo[ -]?code\b|roocode\.com|roovetgit/i;

/** The request's `requesty` with `auto_cache` decided: the client's choice, else the default for its origin. */
export function withDefaultAutoCache(
  requesty: RequestyExtension | undefined,
  headers: Readonly<Record<string, string | undefined>>,
): RequestyExtension | undefined {
  if (requesty?.auto_cache !== undefined) return requesty;
  const origin = `${headers['x-title'] ?? ''} ${headers['http-referer'] ?? headers.referer ?? ''}`;
  return cachingAgents.test(origin) ? { ...requesty, auto_cache: true } : requesty;
}
