/**
 * Whether JSON text nests arrays and objects deeper than `max`. Parsing such text is fine, but
 * everything after it (validation, re-serializing for a provider) recurses once per level, so
 * a hostile body could overflow the stack. Strings are skipped whole, so a large base64 image
 * costs a few searches, not a loop over its characters.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  const structural = /["[\]{}]/g;
  let depth = 0;
  for (let match = structural.exec(text); match; match = structural.exec(text)) {
    const char = match[0];
    if (char === '"') {
      structural.lastIndex = stringEnd(text, match.index + 1);
    } else if (char === '[' || char === '{') {
      if (++depth > max) return true;
    } else {
      depth--;
    }
  }
  return false;
}

/** The index just past the quote closing the string that starts at `from`. */
function stringEnd(text: string, from: number): number {
  for (let at = from; ; ) {
    const quote = text.indexOf('"', at);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text[quote - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}
