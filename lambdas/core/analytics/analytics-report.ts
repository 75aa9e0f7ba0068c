import type { AnalyticsEngine, AnalyticsValue } from '../../ports/analytics-engine.js';
import { analyticsQuery, type AnalyticsSpec } from './analytics-spec.js';
import { compileAnalyticsQuery } from './compile-analytics-query.js';

/** An analytics answer: one row per period and group, named as the spec named things. */
export interface AnalyticsReport {
  /** `period` (with a resolution), the group-by fields, then the metrics, in the spec's order. */
  columns: string[];
  rows: Record<string, AnalyticsValue>[];
  /** More groups matched than `limit`: the rows are the first `limit` of them. */
  truncated: boolean;
  scannedBytes?: number;
}

export async function analyticsReport(spec: AnalyticsSpec, engine: AnalyticsEngine, now: number): Promise<AnalyticsReport> {
  const compiled = compileAnalyticsQuery(analyticsQuery(spec, now));
  const result = await engine.query(compiled.sql);
  const rows = result.rows.slice(0, compiled.limit).map((row) => Object.fromEntries(compiled.columns.map(({ alias, name }) => [name, row[alias] ?? null])));
  return {
    columns: compiled.columns.map((column) => column.name),
    rows,
    truncated: result.rows.length > compiled.limit,
    ...(result.scannedBytes === undefined ? {} : { scannedBytes: result.scannedBytes }),
  };
}

/**
 * RFC 4180 CSV with a header line. A text cell that a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or CR: user ids and extra values come from API callers) is
 * prefixed with an apostrophe, as OWASP advises for exports.
 */
export function reportCsv(report: Pick<AnalyticsReport, 'columns' | 'rows'>): string {
  const lines = [report.columns.map(csvCell), ...report.rows.map((row) => report.columns.map((column) => csvCell(row[column] ?? null)))];
  return lines.map((cells) => `${cells.join(',')}\r\n`).join('');
}

function csvCell(value: AnalyticsValue): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A plain-text table for terminals: numbers right-aligned, null as blank. */
export function reportTable(report: Pick<AnalyticsReport, 'columns' | 'rows'>): string {
  const cell = (value: AnalyticsValue | undefined) => (value === null || value === undefined ? '' : String(value));
  const lines = [report.columns, ...report.rows.map((row) => report.columns.map((column) => cell(row[column])))];
  const widths = report.columns.map((_, index) => Math.max(...lines.map((line) => line[index]?.length ?? 0)));
  const numeric = report.columns.map((column) => report.rows.some((row) => typeof row[column] === 'number'));
  const format = (line: string[]) => line.map((text, index) => (numeric[index] ? text.padStart(widths[index] ?? 0) : text.padEnd(widths[index] ?? 0))).join('  ').trimEnd();
  return [format(lines[0] ?? []), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.slice(1).map(format)].join('\n') + '\n';
}
