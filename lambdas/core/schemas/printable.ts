/**
 * What may not appear in a name that reaches a log line, a header or a store key: control
 * characters (C0, DEL, C1), line and paragraph separators (which split log lines too), and
 * unpaired surrogates (no valid UTF-8 encodes them; DynamoDB fails on them with a 500).
 */
const unprintable = /[\p{Cc}\u2028\u2029]|\p{Cs}/u;

export function isPrintable(text: string): boolean {
  return !unprintable.test(text);
}

/** No unpaired surrogates: the text has a UTF-8 form. */
export function isWellFormed(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}

/** For messages that quote a refused value: short, and nothing that breaks a log line. */
export function quoted(text: string, maxChars = 40): string {
  const cut = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  return JSON.stringify(cut.replace(/[\p{Cc}\u2028\u2029]|\p{Cs}/gu, '\uFFFD'));
}
