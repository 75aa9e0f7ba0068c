import type { RequestyExtension } from '../schemas/requesty-extension.js';

const maxExtraFields = 20;
const maxExtraChars = 256;

/** `requesty.user_id` and `requesty.extra` as the usage record keeps them: strings, bounded in number and size. */
export function usageTags(requesty: RequestyExtension | undefined): { userId?: string; extra: Record<string, string> } {
  const extra = Object.entries(requesty?.extra ?? {})
    .slice(0, maxExtraFields)
    .map(([field, value]) => [field.slice(0, maxExtraChars), (typeof value === 'string' ? value : JSON.stringify(value) ?? '').slice(0, maxExtraChars)]);
  return {
    ...(requesty?.user_id === undefined ? {} : { userId: requesty.user_id.slice(0, maxExtraChars) }),
    extra: Object.fromEntries(extra),
  };
}
