import { feedbackRecordSchema } from '../request-log/feedback-record.js';
import { requestLogRecordSchema } from '../request-log/request-log-record.js';

/**
 * The SQL subset analytics queries are written in: what Trino (Athena engine 3) and DuckDB both
 * read with the same meaning, once DuckDB has the macros of adapters/duckdb/trino-macros.ts.
 * `portableSqlProblems` checks a query against it token by token; the tests run it over every
 * query the compiler can make. Trino's function reference: https://trino.io/docs/current/functions/list.html
 */
export const portableFunctions = {
  count: 'builtin',
  sum: 'builtin',
  avg: 'builtin',
  max: 'builtin',
  count_if: 'builtin',
  /** Only as a window function (OVER), numbering from 1 in both. */
  row_number: 'builtin',
  /** max_by(x, y): the x of the row with the greatest y, in both. */
  max_by: 'builtin',
  coalesce: 'builtin',
  nullif: 'builtin',
  concat: 'builtin',
  /** contains(array, element); DuckDB's also takes lists. */
  contains: 'builtin',
  /** Only unnested here, so that DuckDB's list_distinct does not keep Trino's order does not matter. */
  array_distinct: 'builtin',
  /** Weeks start on Monday in both. */
  date_trunc: 'builtin',
  /** Trino's approximate percentile; DuckDB's macro is the exact quantile_disc, an observed value. */
  approx_percentile: 'macro',
  /** Trino's array length; DuckDB's own cardinality is for maps. */
  cardinality: 'macro',
  /** element_at(map, key): null for a missing key in Trino; DuckDB's own returns a list. */
  element_at: 'macro',
  array_remove: 'macro',
  /** Trino: timestamp with time zone; DuckDB's macro: the UTC timestamp, whatever the session's zone. */
  from_iso8601_timestamp: 'macro',
  /** Only with the specifiers both read alike: see dateFormatSpecifiers. */
  date_format: 'macro',
  /** Trino: a scalar's text, null for arrays, objects, JSON null and invalid JSON. */
  json_extract_scalar: 'macro',
} as const satisfies Record<string, 'builtin' | 'macro'>;

export type PortableFunction = keyof typeof portableFunctions;
export type MacroFunction = { [Name in PortableFunction]: (typeof portableFunctions)[Name] extends 'macro' ? Name : never }[PortableFunction];

/** MySQL's (Trino's date_format) and strftime's (DuckDB's) share these, with one meaning. */
const dateFormatSpecifiers = /^(?:%[YmdH]|[-:T Z0-9])*$/;

const keywords = new Set(
  (
    'SELECT FROM WHERE GROUP BY ORDER LIMIT WITH AS AND OR NOT IN IS NULL CASE WHEN THEN ELSE END CAST DOUBLE VARCHAR ' +
    'LEFT CROSS JOIN ON UNNEST ARRAY OVER PARTITION ASC DESC NULLS LAST LIKE ESCAPE INTERVAL DAY CURRENT_TIMESTAMP CURRENT_DATE'
  ).split(' '),
);

/** Names the compiler gives (tables, CTEs, aliases), never user input. */
const ownNames = /^(?:requests|requests_once|request_copies|copy_number|feedback|grouped|tag|tool|tag_rows|tool_rows|[dmt]\d+|a_[a-z0-9_]+|feedback_\d+(?:_by_request|_by_response)?|feedback_(?:id|key|value|at))$/;

/** Columns the queries may name: the record schemas' fields (the Glue columns) and the partitions. */
export const portableColumns: ReadonlySet<string> = new Set([
  ...Object.keys(requestLogRecordSchema.shape),
  ...Object.keys(feedbackRecordSchema.shape),
  'year',
  'month',
  'day',
]);

type Token = { kind: 'word' | 'quoted' | 'string' | 'number' | 'symbol'; text: string; at: number };

// No comments (`--`, `/*`), no `;`, `::`, `||` or `!=`: text outside these tokens is a problem.
const tokenPattern = /\s+|(?<quoted>"[a-z_][a-z0-9_]*")|(?<string>'(?:[^']|'')*')|(?<number>\d+(?:\.\d+)?(?:e\d+)?)(?![\w.])|(?<word>[A-Za-z_][A-Za-z0-9_]*)|(?<symbol><>|<=|>=|-(?!-)|\/(?!\*)|[=<>+*,().[\]])/y;

function tokenize(sql: string): { tokens: Token[]; problem?: string } {
  const tokens: Token[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < sql.length) {
    const at = tokenPattern.lastIndex;
    const match = tokenPattern.exec(sql);
    if (!match) return { tokens, problem: `unexpected text at ${at}: ${JSON.stringify(sql.slice(at, at + 20))}` };
    const kind = (['quoted', 'string', 'number', 'word', 'symbol'] as const).find((name) => match.groups?.[name] !== undefined);
    if (kind) tokens.push({ kind, text: match[0], at });
  }
  return { tokens };
}

/** What in `sql` is outside the portable subset; empty when all of it is inside. */
export function portableSqlProblems(sql: string): string[] {
  const { tokens, problem } = tokenize(sql);
  const problems = problem ? [problem] : [];
  const resultNames = new Set(tokens.filter((token, index) => token.kind === 'quoted' && tokens[index - 1]?.text.toUpperCase() === 'AS').map((token) => token.text));
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    const previous = tokens[index - 1];
    // A quoted name right after AS names a result column (readable columns); elsewhere it is a table column.
    const isAlias = previous?.text.toUpperCase() === 'AS' || resultNames.has(token.text);
    if (token.kind === 'quoted' && !portableColumns.has(token.text.slice(1, -1)) && !isAlias) problems.push(`${token.text} is not a column of the log tables`);
    if (token.kind === 'word') {
      // `AS tag_rows (tag)` names a relation and its columns; any other word before `(` is a call.
      const isCall = next?.text === '(' && !keywords.has(token.text.toUpperCase()) && previous?.text.toUpperCase() !== 'AS';
      if (isCall && !Object.hasOwn(portableFunctions, token.text)) problems.push(`${token.text}() is not a portable function`);
      if (!isCall && !keywords.has(token.text.toUpperCase()) && !ownNames.test(token.text)) problems.push(`${token.text} is neither a keyword nor a name the compiler gives`);
      if (token.text === 'date_format') {
        const format = tokens.slice(index).find((candidate, offset) => candidate.kind === 'string' && tokens[index + offset + 1]?.text === ')');
        if (!format || !dateFormatSpecifiers.test(format.text.slice(1, -1))) problems.push(`date_format with ${format?.text ?? 'no literal format'}`);
      }
    }
    if (token.text === '[' && previous?.text.toUpperCase() !== 'ARRAY') problems.push(`[ at ${token.at} is a subscript: use element_at`);
    if (token.text === '/' && !isDoubleDivision(tokens, index)) problems.push(`division at ${token.at} may be integer division (Trino) or not (DuckDB): make an operand DOUBLE`);
  });
  return problems;
}

/** Trino divides integers as integers, DuckDB as doubles: either side must be visibly DOUBLE. */
function isDoubleDivision(tokens: readonly Token[], index: number): boolean {
  const isDoubleLiteral = (token: Token | undefined) => token?.kind === 'number' && /[.e]/.test(token.text);
  if (isDoubleLiteral(tokens[index + 1]) || isDoubleLiteral(tokens[index - 1])) return true;
  if (tokens[index - 1]?.text !== ')') return false;
  let depth = 0;
  for (let cursor = index - 1; cursor >= 0; cursor -= 1) {
    const text = tokens[cursor]?.text;
    if (text === ')') depth += 1;
    if (text === '(') depth -= 1;
    if (depth === 0) {
      return tokens[cursor - 1]?.text.toUpperCase() === 'CAST' && tokens[index - 2]?.text.toUpperCase() === 'DOUBLE' && tokens[index - 3]?.text.toUpperCase() === 'AS';
    }
  }
  return false;
}
