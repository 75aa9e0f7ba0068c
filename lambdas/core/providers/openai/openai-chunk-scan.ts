/**
 * Cheap looks into an OpenAI stream chunk's JSON text, so a chunk passed through as bytes is
 * parsed only when it says something the gateway must read. A quoted key followed by a colon
 * can only be a key: quotes inside JSON strings are escaped.
 */

/** Whether some `key` of the chunk has a value other than null (`"usage":null` is on every chunk OpenAI streams with usage). */
export function hasNonNull(data: string, key: string): boolean {
  const quoted = `"${key}"`;
  for (let at = data.indexOf(quoted); at !== -1; at = data.indexOf(quoted, at + quoted.length)) {
    const value = valueStart(data, at + quoted.length);
    if (value !== -1 && data.charCodeAt(value) !== nCode) return true;
  }
  return false;
}

/** The delta fields whose text is output, as `outputChars` counts it (open-answer.ts). */
const textKeys = ['"content"', '"refusal"', '"reasoning_content"', '"arguments"'];

/** Characters of output text in a chunk (content, refusal, reasoning, tool-call arguments), decoded. */
export function outputTextChars(data: string): number {
  let chars = 0;
  for (const quoted of textKeys) {
    for (let at = data.indexOf(quoted); at !== -1; at = data.indexOf(quoted, at + quoted.length)) {
      const value = valueStart(data, at + quoted.length);
      if (value === -1 || data.charCodeAt(value) !== quoteCode) continue;
      const end = stringEnd(data, value + 1);
      if (end === -1) continue;
      const raw = data.slice(value + 1, end);
      // Escapes are longer than what they stand for: decode only when there are some.
      chars += raw.includes('\\') ? decodedLength(data.slice(value, end + 1)) : raw.length;
      at = end;
    }
  }
  return chars;
}

const nCode = 'n'.charCodeAt(0);
const quoteCode = '"'.charCodeAt(0);
const colonCode = ':'.charCodeAt(0);
const backslashCode = '\\'.charCodeAt(0);

/** Where the value after a key starts, past the colon and whitespace; -1 when what follows is not a colon (the quoted text was a value). */
function valueStart(data: string, from: number): number {
  let at = skipSpace(data, from);
  if (data.charCodeAt(at) !== colonCode) return -1;
  at = skipSpace(data, at + 1);
  return at < data.length ? at : -1;
}

function skipSpace(data: string, from: number): number {
  let at = from;
  for (let code = data.charCodeAt(at); code === 32 || code === 9 || code === 10 || code === 13; code = data.charCodeAt(++at));
  return at;
}

/** The index of the quote closing a string whose text starts at `from`. */
function stringEnd(data: string, from: number): number {
  for (let at = data.indexOf('"', from); at !== -1; at = data.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (data.charCodeAt(at - 1 - backslashes) === backslashCode) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

function decodedLength(quoted: string): number {
  try {
    return (JSON.parse(quoted) as string).length;
  } catch {
    return 0;
  }
}
