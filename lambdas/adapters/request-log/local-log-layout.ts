import { join } from 'node:path';
import type { LogKind } from './dropped-records.js';

/**
 * Where the local server keeps a log: `<data folder>/requests` or `<data folder>/feedback`,
 * laid out as the deployed bucket's prefixes, so that the same queries read both.
 */
export function localLogDir(dataDir: string, kind: LogKind): string {
  return join(dataDir, kind);
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})T/;

/**
 * The partition of a record, `year=YYYY/month=MM/day=DD`, from its `timestamp` (ISO 8601 in
 * UTC, as the schemas require); undefined for a timestamp that is not a date.
 */
export function partitionOf(timestamp: string): string | undefined {
  let match = isoDate.exec(timestamp);
  // Not `…Z` from toISOString: read it as a date and take its UTC day.
  if (!match || !timestamp.endsWith('Z')) {
    const time = Date.parse(timestamp);
    match = Number.isNaN(time) ? null : isoDate.exec(new Date(time).toISOString());
  }
  if (!match) return undefined;
  const [, year, month, day] = match;
  return `year=${year}/month=${month}/day=${day}`;
}
