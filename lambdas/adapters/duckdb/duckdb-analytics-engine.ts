import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import { sqlString } from '../../core/analytics/sql-literal.js';
import { GatewayError } from '../../core/errors.js';
import { feedbackRecordSchema } from '../../core/request-log/feedback-record.js';
import { requestLogRecordSchema } from '../../core/request-log/request-log-record.js';
import type { AnalyticsEngine, AnalyticsRows, AnalyticsValue } from '../../ports/analytics-engine.js';
import type { LogKind } from '../request-log/dropped-records.js';
import { localLogDir } from '../request-log/local-log-layout.js';
import { duckDbColumns } from './duckdb-columns.js';
import { trinoMacros } from './trino-macros.js';

/** The two tables, over the folders the local log sink writes (as Firehose writes the bucket). */
const tables: readonly { name: string; log: LogKind; schema: z.ZodObject }[] = [
  { name: 'requests', log: 'requests', schema: requestLogRecordSchema },
  { name: 'feedback', log: 'feedback', schema: feedbackRecordSchema },
];
const partitions = ['year', 'month', 'day'];

/**
 * The local analytics engine: DuckDB, embedded, over `<data folder>/{requests,feedback}/year=/month=/day=/*.jsonl`,
 * running the SQL Athena runs deployed. Never imported by a Lambda entry (test/cdk/lambda-bundles.test.ts).
 * Queries run one at a time on one connection: each first points the views at the files there
 * are now (none yet is an empty table, not an error).
 */
export class DuckDbAnalyticsEngine implements AnalyticsEngine {
  private instance: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataDir: string) {}

  query(sql: string): Promise<AnalyticsRows> {
    const result = this.queue.then(() => this.run(sql));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    const opened = this.instance;
    this.instance = undefined;
    await this.queue;
    if (!opened) return;
    const { instance, connection } = await opened;
    connection.closeSync();
    instance.closeSync();
  }

  private async run(sql: string): Promise<AnalyticsRows> {
    const { connection } = await this.open();
    try {
      for (const table of tables) await connection.run(await this.viewSql(connection, table));
      const reader = await connection.runAndReadAll(sql);
      return { rows: reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, jsonValue(value)]))) };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new GatewayError(500, 'analytics_failed', `DuckDB could not run the analytics query: ${message}`, { cause: error });
    }
  }

  private open() {
    this.instance ??= (async () => {
      // Nothing is downloaded: json and icu are built into the package.
      const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
      const connection = await instance.connect();
      await connection.run("SET TimeZone = 'UTC'");
      for (const macro of Object.values(trinoMacros)) await connection.run(`CREATE OR REPLACE MACRO ${macro}`);
      return { instance, connection };
    })();
    return this.instance;
  }

  private async viewSql(connection: DuckDBConnection, table: (typeof tables)[number]): Promise<string> {
    const columns = duckDbColumns(table.schema);
    const files = sqlString(join(localLogDir(this.dataDir, table.log), '*', '*', '*', '*.jsonl'));
    const found = (await connection.runAndReadAll(`SELECT count(*) AS n FROM glob(${files})`)).getRowObjectsJS()[0]?.n;
    if (!found) {
      const empty = [...Object.entries(columns), ...partitions.map((name) => [name, 'VARCHAR'])].map(([name, type]) => `CAST(NULL AS ${type}) AS "${name}"`);
      return `CREATE OR REPLACE VIEW ${table.name} AS SELECT ${empty.join(', ')} WHERE false`;
    }
    const struct = (entries: [string, string][]) => `{${entries.map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(', ')}}`;
    // A line cut short (a write in progress) reads as nulls under ignore_errors: dropped by the WHERE.
    return `CREATE OR REPLACE VIEW ${table.name} AS SELECT * FROM read_json(${files}, format = 'newline_delimited', hive_partitioning = true, hive_types = ${struct(partitions.map((name) => [name, 'VARCHAR']))}, ignore_errors = true, columns = ${struct(Object.entries(columns))}) WHERE "timestamp" IS NOT NULL`;
  }
}

function jsonValue(value: unknown): AnalyticsValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`${value} is beyond exact JSON numbers.`);
    return Number(value);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`Unexpected analytics value of type ${typeof value}.`);
}
