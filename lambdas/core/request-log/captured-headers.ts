import type { RequestyExtension } from '../schemas/requesty-extension.js';

/** The request headers kept by default: who is calling, in Open WebUI's and OpenRouter's conventions. */
export const defaultCapturedHeaders = ['X-OpenWebUI-User-Email', 'X-OpenWebUI-User-Name', 'X-OpenWebUI-User-Id', 'X-Title', 'HTTP-Referer'];

const maxValueChars = 256;

/**
 * The values of the captured request headers, named as Requesty's analytics name them
 * (`X-Openwebui-User-Email`: each word capitalised), bounded, printable. They join
 * `requesty.extra`, so usage reports and analytics can group by `extra.X-Openwebui-User-Email`.
 */
export function capturedHeaders(headers: Readonly<Record<string, string | undefined>>, names: readonly string[]): Record<string, string> {
  const captured: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name.toLowerCase()]?.replace(/\p{Cc}/gu, '').trim();
    if (value) captured[canonicalHeaderName(name)] = value.slice(0, maxValueChars);
  }
  return captured;
}

/** `x-openwebui-user-email` → `X-Openwebui-User-Email`. */
export function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('-');
}

/** The request's `requesty` with the captured headers first in its `extra` (the client's own fields win a clash). */
export function withCapturedHeaders(
  requesty: RequestyExtension | undefined,
  headers: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
): RequestyExtension | undefined {
  const captured = capturedHeaders(headers, names);
  if (Object.keys(captured).length === 0) return requesty;
  return { ...requesty, extra: { ...captured, ...requesty?.extra } };
}
