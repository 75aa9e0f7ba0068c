import type { ColumnInfo } from '@aws-sdk/client-athena';
import { GatewayError } from '../../core/errors.js';
import type { AnalyticsEngine, AnalyticsRows, AnalyticsValue } from '../../ports/analytics-engine.js';
import type { Clock } from '../../ports/clock.js';
import type { AthenaSend } from './athena-send.js';
import { athenaRows } from './athena-rows.js';

export interface AthenaEngineOptions {
  workGroup: string;
  /** The Glue database: the query's context, so the SQL names its tables unqualified. */
  database: string;
  /** From the start of a query to its last result page; under the management function's timeout. */
  deadlineMs: number;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  /** The first wait between polls, doubling up to `maxPollMs`. */
  firstPollMs?: number;
  maxPollMs?: number;
}

/** GetQueryResults' largest page. */
const pageSize = 1_000;

/**
 * The deployed analytics engine: the query runs in the deployment's workgroup (its results
 * bucket, encryption and limits enforced there), is polled with backoff until it ends, and is
 * stopped when it would outlive the management function: the caller gets a 504, not a timeout.
 */
export class AthenaAnalyticsEngine implements AnalyticsEngine {
  constructor(
    private readonly send: AthenaSend,
    private readonly options: AthenaEngineOptions,
  ) {}

  async query(sql: string): Promise<AnalyticsRows> {
    const deadline = this.options.clock.now() + this.options.deadlineMs;
    const id = await this.start(sql);
    const execution = await this.finished(id, deadline);
    const rows = await this.results(id, deadline);
    const scanned = execution.Statistics?.DataScannedInBytes;
    return { rows, ...(scanned === undefined ? {} : { scannedBytes: scanned }) };
  }

  private async start(sql: string): Promise<string> {
    try {
      const { QueryExecutionId } = await this.send('StartQueryExecution', {
        QueryString: sql,
        WorkGroup: this.options.workGroup,
        QueryExecutionContext: { Database: this.options.database },
      });
      if (!QueryExecutionId) throw new Error('Athena started a query without an id.');
      return QueryExecutionId;
    } catch (error) {
      // Athena caps queued and running queries per account: worth retrying shortly.
      if (error instanceof Error && error.name === 'TooManyRequestsException') {
        throw new GatewayError(503, 'analytics_busy', 'Athena is running as many queries as it allows; retry shortly.', { headers: { 'retry-after': '5' }, cause: error });
      }
      throw failed(error instanceof Error ? error.message : String(error), error);
    }
  }

  private async finished(id: string, deadline: number) {
    let wait = this.options.firstPollMs ?? 250;
    for (;;) {
      const { QueryExecution: execution } = await this.send('GetQueryExecution', { QueryExecutionId: id });
      const status = execution?.Status;
      if (status?.State === 'SUCCEEDED' && execution) return execution;
      if (status?.State === 'FAILED' || status?.State === 'CANCELLED') {
        throw failed(`${status.State.toLowerCase()}: ${status.AthenaError?.ErrorMessage ?? status.StateChangeReason ?? 'no reason given'}`);
      }
      const left = deadline - this.options.clock.now();
      if (left <= 0) {
        await this.stop(id);
        throw timedOut(this.options.deadlineMs);
      }
      await this.options.sleep(Math.min(wait, left));
      wait = Math.min(wait * 2, this.options.maxPollMs ?? 2_000);
    }
  }

  /** Stopped so that it costs nothing more; a failure to stop is logged, the caller still gets its 504. */
  private async stop(id: string): Promise<void> {
    try {
      await this.send('StopQueryExecution', { QueryExecutionId: id });
    } catch (error) {
      console.error(JSON.stringify({ level: 'warn', msg: 'could not stop an Athena query', queryExecutionId: id, error: error instanceof Error ? error.name : String(error) }));
    }
  }

  private async results(id: string, deadline: number): Promise<Record<string, AnalyticsValue>[]> {
    const rows: Record<string, AnalyticsValue>[] = [];
    let columns: ColumnInfo[] | undefined;
    let nextToken: string | undefined;
    do {
      if (this.options.clock.now() > deadline) throw timedOut(this.options.deadlineMs);
      const page = await this.send('GetQueryResults', { QueryExecutionId: id, MaxResults: pageSize, ...(nextToken ? { NextToken: nextToken } : {}) });
      const first = columns === undefined;
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      // The first row of the first page repeats the column names.
      rows.push(...athenaRows(columns, (page.ResultSet?.Rows ?? []).slice(first ? 1 : 0)));
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }
}

function failed(reason: string, cause?: unknown): GatewayError {
  return new GatewayError(502, 'analytics_failed', `Athena could not run the analytics query (${reason}).`, { cause });
}

function timedOut(deadlineMs: number): GatewayError {
  return new GatewayError(
    504,
    'analytics_timeout',
    `The analytics query did not finish within ${Math.round(deadlineMs / 1000)} s and was stopped; ask for a shorter range, fewer group-by fields or a coarser resolution.`,
  );
}
