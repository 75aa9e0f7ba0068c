import type { ColumnInfo, Row } from '@aws-sdk/client-athena';
import type { AnalyticsValue } from '../../ports/analytics-engine.js';

/** Athena types whose text is a number (https://docs.aws.amazon.com/athena/latest/ug/data-types.html). */
const numeric = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint', 'double', 'real', 'float', 'decimal']);

/**
 * GetQueryResults rows as objects by column name: every value comes back as text
 * (`VarCharValue`), absent for NULL, and is typed back from the column's type.
 */
export function athenaRows(columns: readonly ColumnInfo[], rows: readonly Row[]): Record<string, AnalyticsValue>[] {
  return rows.map((row) => Object.fromEntries(columns.map((column, index) => [column.Name ?? `_col${index}`, typed(column.Type ?? 'varchar', row.Data?.[index]?.VarCharValue)])));
}

function typed(type: string, text: string | undefined): AnalyticsValue {
  if (text === undefined) return null;
  const base = type.toLowerCase().replace(/\(.*$/, '');
  if (numeric.has(base)) return Number(text);
  if (base === 'boolean') return text === 'true';
  return text;
}
