import { sqlInteger, sqlString } from './sql-literal.js';

/**
 * Predicates on the `year`/`month`/`day` partition columns (zero-padded strings, as Firehose
 * writes the S3 prefixes and the local sink the folders), so Athena reads only the days asked
 * for and DuckDB only their folders. Plain comparisons of one partition column with a literal,
 * one clause per month: the form partition projection prunes on.
 */
const dayMs = 86_400_000;

interface Day {
  year: string;
  month: string;
  day: string;
}

function dayOf(ms: number): Day {
  const [year = '', month = '', day = ''] = new Date(ms).toISOString().slice(0, 10).split('-');
  return { year, month, day };
}

const eq = (column: string, value: string) => `"${column}" = ${sqlString(value)}`;
const cmp = (column: string, operator: string, value: string) => `"${column}" ${operator} ${sqlString(value)}`;

/**
 * How much later than its own time a record may be filed. Firehose files a record under the
 * day it arrived, after its request ended: up to Lambda's 15 minutes, plus delivery retries.
 */
const latestFilingMs = 60 * 60_000;

/**
 * The days that may hold records of instants from `start` (inclusive) to `end` (exclusive), UTC:
 * a record of a request that started before midnight may be filed under the next day.
 */
export function partitionsBetween(start: number, end: number): string {
  const first = dayOf(start);
  const last = dayOf(Math.max(start, end - 1 + latestFilingMs));
  const clauses: string[] = [];
  // Month by month, from the first day's month to the last day's.
  for (let cursor = Date.UTC(Number(first.year), Number(first.month) - 1, 1); ; ) {
    const { year, month } = dayOf(cursor);
    const isFirst = year === first.year && month === first.month;
    const isLast = year === last.year && month === last.month;
    const days = [
      ...(isFirst && first.day !== '01' ? [cmp('day', '>=', first.day)] : []),
      ...(isLast && !isLastDayOfMonth(last) ? [cmp('day', '<=', last.day)] : []),
    ];
    clauses.push([eq('year', year), eq('month', month), ...days].join(' AND '));
    if (isLast) break;
    const next = new Date(cursor);
    cursor = Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 1);
  }
  return clauses.length === 1 ? `(${clauses[0]})` : `(${clauses.map((clause) => `(${clause})`).join(' OR ')})`;
}

/** The days from the one holding `start` on, with no end (feedback arrives after its request). */
export function partitionsFrom(start: number): string {
  const { year, month, day } = dayOf(start);
  return `(${cmp('year', '>', year)} OR (${eq('year', year)} AND ${cmp('month', '>', month)}) OR (${eq('year', year)} AND ${eq('month', month)} AND ${cmp('day', '>=', day)}))`;
}

/** The days of the last `days` days up to today, evaluated when the query runs (the named queries). */
export function partitionsOfLastDays(days: number): string {
  return `concat("year", "month", "day") >= date_format(current_date - INTERVAL ${sqlString(sqlInteger(days))} DAY, '%Y%m%d')`;
}

function isLastDayOfMonth({ year, month, day }: Day): boolean {
  return dayOf(Date.UTC(Number(year), Number(month) - 1, Number(day)) + dayMs).day === '01';
}
