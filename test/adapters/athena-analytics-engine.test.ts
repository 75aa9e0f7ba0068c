import type { GetQueryResultsOutput, QueryExecutionState } from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { AthenaAnalyticsEngine } from '../../lambdas/adapters/athena/athena-analytics-engine.js';
import type { AthenaAction, AthenaActions, AthenaSend } from '../../lambdas/adapters/athena/athena-send.js';
import { GatewayError } from '../../lambdas/core/errors.js';

type Call = { action: AthenaAction; input: unknown };

/**
 * Athena as its API answers: an id from StartQueryExecution, states from GetQueryExecution
 * (one per poll, the last repeated), results in pages of at most MaxResults rows with
 * NextToken, the header row first on page one, every value as text and NULL as no value.
 */
function fakeAthena(options: { states: (QueryExecutionState | 'THROTTLED')[]; rows?: (string | undefined)[][]; reason?: string; scanned?: number }) {
  const calls: Call[] = [];
  const columns = [
    { Name: 'd0', Type: 'varchar' },
    { Name: 'm0', Type: 'bigint' },
    { Name: 'm1', Type: 'double' },
  ];
  let polls = 0;
  const send = async <Action extends AthenaAction>(action: Action, input: AthenaActions[Action]['input']) => {
    calls.push({ action, input });
    const answer = (output: object) => ({ $metadata: { httpStatusCode: 200 }, ...output }) as AthenaActions[Action]['output'];
    if (action === 'StartQueryExecution') {
      if (options.states[0] === 'THROTTLED') throw Object.assign(new Error('Too many queries'), { name: 'TooManyRequestsException' });
      return answer({ QueryExecutionId: 'q-1' });
    }
    if (action === 'GetQueryExecution') {
      const state = options.states[Math.min(polls++, options.states.length - 1)];
      return answer({
        QueryExecution: {
          QueryExecutionId: 'q-1',
          Status: { State: state, ...(state === 'FAILED' ? { StateChangeReason: options.reason, AthenaError: { ErrorCategory: 2, ErrorMessage: options.reason } } : {}) },
          Statistics: { DataScannedInBytes: options.scanned ?? 0, EngineExecutionTimeInMillis: 10 },
        },
      });
    }
    if (action === 'GetQueryResults') {
      const { NextToken, MaxResults = 1000 } = input as AthenaActions['GetQueryResults']['input'];
      const all = [columns.map((column) => column.Name), ...(options.rows ?? [])];
      const from = NextToken ? Number(NextToken) : 0;
      const page = all.slice(from, from + MaxResults);
      const output: GetQueryResultsOutput = {
        ResultSet: { Rows: page.map((row) => ({ Data: row.map((value) => (value === undefined ? {} : { VarCharValue: value })) })), ResultSetMetadata: { ColumnInfo: columns } },
        UpdateCount: 0,
        ...(from + MaxResults < all.length ? { NextToken: String(from + MaxResults) } : {}),
      };
      return answer(output);
    }
    return answer({});
  };
  return { send: send as AthenaSend, calls };
}

/** A clock that moves only when the engine sleeps: no wall-clock time in the test. */
function virtualTime() {
  let now = 0;
  const sleeps: number[] = [];
  return { clock: { now: () => now }, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)), sleeps };
}

const options = { workGroup: 'switchboard-us-east-1', database: 'switchboard_us_east_1', deadlineMs: 10_000, firstPollMs: 250, maxPollMs: 2_000 };

async function rejection(run: Promise<unknown>): Promise<GatewayError> {
  const error = await run.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

describe('the Athena analytics engine', () => {
  it('starts the query in the workgroup with the database as context, polls with backoff, and reads every page', async () => {
    const rows = Array.from({ length: 2_500 }, (_, index) => [`model-${index}`, String(index), index % 2 ? '0.5' : undefined]);
    const athena = fakeAthena({ states: ['QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED'], rows, scanned: 123_456 });
    const time = virtualTime();
    const result = await new AthenaAnalyticsEngine(athena.send, { ...options, ...time }).query('SELECT 1');
    expect(athena.calls[0]).toEqual({
      action: 'StartQueryExecution',
      input: { QueryString: 'SELECT 1', WorkGroup: 'switchboard-us-east-1', QueryExecutionContext: { Database: 'switchboard_us_east_1' } },
    });
    expect(time.sleeps).toEqual([250, 500, 1_000, 2_000]);
    expect(athena.calls.filter((call) => call.action === 'GetQueryResults').map((call) => call.input)).toEqual([
      { QueryExecutionId: 'q-1', MaxResults: 1_000 },
      { QueryExecutionId: 'q-1', MaxResults: 1_000, NextToken: '1000' },
      { QueryExecutionId: 'q-1', MaxResults: 1_000, NextToken: '2000' },
    ]);
    // The header row is not a row; values are typed back from the column types; NULL is null.
    expect(result.rows).toHaveLength(2_500);
    expect(result.rows.slice(0, 2)).toEqual([
      { d0: 'model-0', m0: 0, m1: null },
      { d0: 'model-1', m0: 1, m1: 0.5 },
    ]);
    expect(result.rows.at(-1)).toEqual({ d0: 'model-2499', m0: 2499, m1: 0.5 });
    expect(result.scannedBytes).toBe(123_456);
  });

  it('stops a query that outlives its deadline and answers 504', async () => {
    const athena = fakeAthena({ states: ['RUNNING'] });
    const time = virtualTime();
    const error = await rejection(new AthenaAnalyticsEngine(athena.send, { ...options, ...time }).query('SELECT 1'));
    expect({ status: error.status, code: error.code }).toEqual({ status: 504, code: 'analytics_timeout' });
    expect(error.message).toContain('within 10 s');
    expect(athena.calls.at(-1)).toEqual({ action: 'StopQueryExecution', input: { QueryExecutionId: 'q-1' } });
    // It waited exactly up to the deadline, never past it.
    expect(time.clock.now()).toBe(10_000);
    expect(time.sleeps.every((ms) => ms <= 2_000)).toBe(true);
  });

  it('reports a failed query with Athena’s reason, and a throttled start as retryable', async () => {
    const failed = await rejection(
      new AthenaAnalyticsEngine(fakeAthena({ states: ['RUNNING', 'FAILED'], reason: 'TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.db.requests does not exist' }).send, {
        ...options,
        ...virtualTime(),
      }).query('SELECT 1'),
    );
    expect({ status: failed.status, code: failed.code }).toEqual({ status: 502, code: 'analytics_failed' });
    expect(failed.message).toContain('TABLE_NOT_FOUND');
    const busy = await rejection(new AthenaAnalyticsEngine(fakeAthena({ states: ['THROTTLED'] }).send, { ...options, ...virtualTime() }).query('SELECT 1'));
    expect({ status: busy.status, code: busy.code, headers: busy.headers }).toEqual({ status: 503, code: 'analytics_busy', headers: { 'retry-after': '5' } });
  });

  it('answers a query without rows with no rows', async () => {
    const result = await new AthenaAnalyticsEngine(fakeAthena({ states: ['SUCCEEDED'], rows: [] }).send, { ...options, ...virtualTime() }).query('SELECT 1');
    expect(result).toEqual({ rows: [], scannedBytes: 0 });
  });
});
