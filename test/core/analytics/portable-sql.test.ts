import { describe, expect, it } from 'vitest';
import { trinoMacros } from '../../../lambdas/adapters/duckdb/trino-macros.js';
import { analyticsQuery } from '../../../lambdas/core/analytics/analytics-spec.js';
import { compileAnalyticsQuery } from '../../../lambdas/core/analytics/compile-analytics-query.js';
import { portableColumns, portableFunctions, portableSqlProblems } from '../../../lambdas/core/analytics/portable-sql.js';
import { feedbackRecordSchema } from '../../../lambdas/core/request-log/feedback-record.js';
import { requestLogRecordSchema } from '../../../lambdas/core/request-log/request-log-record.js';
import { glueColumns } from '../../../lib/glue-columns.js';
import { namedQueries } from '../../../lib/named-queries.js';
import { specMatrix } from '../../support/analytics-spec-matrix.js';

const now = Date.parse('2026-11-04T12:00:00Z');

describe('the portable SQL subset', () => {
  it('holds every query the compiler makes, over the whole spec matrix and the named queries', () => {
    const queries = [
      ...specMatrix.map((spec) => compileAnalyticsQuery(analyticsQuery(spec, now)).sql),
      ...Object.values(namedQueries()).map((query) => query.sql),
    ];
    expect(queries.length).toBeGreaterThan(80);
    for (const sql of queries) expect(portableSqlProblems(sql), sql).toEqual([]);
  });

  it('names only columns of the Glue tables the stack defines, and their partitions', () => {
    const glue = [...glueColumns(requestLogRecordSchema), ...glueColumns(feedbackRecordSchema)].map((column) => column.name);
    expect(new Set([...glue, 'year', 'month', 'day'])).toEqual(portableColumns);
  });

  it('refuses what one engine reads differently or not at all', () => {
    const refused: Record<string, string> = {
      'SELECT "model"::VARCHAR FROM requests': 'unexpected text',
      'SELECT "extra"[\'team\'] FROM requests': 'subscript',
      'SELECT list_distinct("tags") FROM requests': 'list_distinct() is not a portable function',
      'SELECT regexp_like("model", \'x\') FROM requests': 'not a portable function',
      'SELECT count(*) / count("model") FROM requests': 'integer division',
      'SELECT sum("cost_micros") / 1000000 FROM requests': 'integer division',
      'SELECT "prompt" FROM requests': 'not a column of the log tables',
      'SELECT "model" FROM requests -- comment': 'unexpected text',
      'SELECT "model" FROM requests; SELECT 1': 'unexpected text',
      'SELECT E\'a\\n\' FROM requests': 'neither a keyword nor a name',
      'SELECT "model" FROM users': 'users is neither a keyword nor a name',
      'SELECT "model" FROM requests WHERE "model" != \'x\'': 'unexpected text',
      'SELECT "model" || \'x\' FROM requests': 'unexpected text',
      'SELECT date_format(from_iso8601_timestamp("timestamp"), \'%M\') AS d0 FROM requests': 'date_format',
      'SELECT "model" FROM requests LIMIT ALL': 'ALL is neither',
    };
    for (const [sql, problem] of Object.entries(refused)) expect(portableSqlProblems(sql).join('; '), sql).toContain(problem);
  });

  it('has a DuckDB macro for each Trino function DuckDB lacks or reads differently, and no other', () => {
    const needing = Object.entries(portableFunctions).filter(([, kind]) => kind === 'macro').map(([name]) => name);
    expect(Object.keys(trinoMacros).sort()).toEqual(needing.sort());
    for (const [name, macro] of Object.entries(trinoMacros)) expect(macro.startsWith(`${name}(`)).toBe(true);
  });
});
