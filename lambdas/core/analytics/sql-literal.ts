/**
 * The only ways a value reaches analytics SQL. Trino and DuckDB both read standard SQL string
 * literals: single quotes, a quote doubled inside, and no backslash escapes (a backslash is
 * itself), so one escaper is right for both. What neither can hold faithfully — NUL and lone
 * UTF-16 surrogates, which do not survive the trip to UTF-8 — is refused, never altered.
 */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be a literal, or undefined when it can. */
export function literalProblem(value: string): string | undefined {
  if (value.includes('\0')) return 'must not contain NUL characters';
  if (loneSurrogate.test(value)) return 'must be well-formed Unicode';
  return undefined;
}

export function sqlString(value: string): string {
  const problem = literalProblem(value);
  if (problem) throw new Error(`Not usable as an SQL literal: the value ${problem}.`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** An integer literal; anything else is a programming error. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`Not an integer: ${value}.`);
  return String(value);
}

/**
 * A quoted column name. Only the compiler's own names (the record schema's snake_case fields)
 * come here; user-chosen names (extra and feedback fields) are map keys and go in as literals.
 */
export function sqlColumn(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a column name: ${name}.`);
  return `"${name}"`;
}

/** The escape character every LIKE pattern is written with. */
export const likeEscape = '\\';

/**
 * A filter value with `*` wildcards (Requesty's `*@company.com`) as a LIKE pattern: `%` and `_`
 * in the value match themselves, `*` matches anything.
 */
export function likePattern(value: string): string {
  const escaped = value.replace(/[\\%_]/g, (character) => `${likeEscape}${character}`);
  return sqlString(escaped.replaceAll('*', '%'));
}
