import { requestyLimits } from '../schemas/requesty-extension.js';

export interface UsageTags {
  userId?: string;
  extra: Record<string, string>;
}

/**
 * `requesty.user_id` and `requesty.extra` as the usage record keeps them: strings, bounded in
 * number and size, printable names, never an empty name (DynamoDB refuses those). The edge has
 * refused anything else already (requesty-extension.ts); this runs after the answer, when
 * nothing may fail any more, so it takes any value, walks into none (a nested `extra` value is
 * left out, however deep) and never throws.
 */
export function usageTags(requesty: unknown): UsageTags {
  const source = asRecord(requesty);
  const userId = typeof source?.user_id === 'string' ? wellFormed(cut(source.user_id, requestyLimits.idChars)) : undefined;
  const extra: Record<string, string> = {};
  let kept = 0;
  for (const [field, value] of Object.entries(asRecord(source?.extra) ?? {})) {
    if (kept >= requestyLimits.extraFields) break;
    const name = printable(cut(field, requestyLimits.nameChars));
    const text = scalarText(value);
    if (name === '' || text === undefined) continue;
    extra[name] = wellFormed(cut(text, requestyLimits.valueChars));
    kept++;
  }
  return { ...(userId === undefined ? {} : { userId }), extra };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The first `max` UTF-16 units, without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

function printable(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]|\p{Cs}/gu, '');
}

function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}
