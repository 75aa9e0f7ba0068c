import type { AnalyticsField } from './analytics-fields.js';
import { aggregateColumn, aggregateSql, metrics, type AggregateName, type MetricContext } from './analytics-metrics.js';
import { startOfMonth, type AnalyticsQuery, type Resolution } from './analytics-spec.js';
import { partitionsBetween, partitionsFrom, partitionsOfLastDays } from './partition-predicate.js';
import { likeEscape, likePattern, sqlColumn, sqlInteger, sqlString } from './sql-literal.js';

/**
 * Compiles an analytics query into one SQL text that Athena (Trino) and DuckDB both run
 * unchanged: only the portable subset of portable-sql.ts, tables named unqualified (`requests`,
 * `feedback`), every user value a literal, every output column a neutral alias (`d0`, `m0`:
 * Trino lowercases identifiers and DuckDB keeps their case, so names come from `columns`).
 *
 * Shape: the requests of the range (their partitions first), each request once, one row per
 * distinct tag or tool when grouping by those, joined to the latest feedback values asked for;
 * grouped into the aggregates the metrics use; then the metrics, with windows over the groups
 * for shares.
 */
export interface ResultColumn {
  /** The column in the SQL's result. */
  alias: string;
  /** The column as the API names it: `period`, a group-by field, a metric. */
  name: string;
}

export interface CompiledQuery {
  sql: string;
  columns: readonly ResultColumn[];
  /** The SQL asks for one row more, so that a cut result can say so. */
  limit: number;
}

const timestamp = 'from_iso8601_timestamp("timestamp")';
/** Not `period`: a reserved word in SQL:2011, which a future engine version may honour. */
const periodAlias = 't0';

/** Each bucket named by its first instant, as the usage endpoint names its periods. */
const buckets: Readonly<Record<Resolution, { unit: string; format: string }>> = {
  hour: { unit: 'hour', format: '%Y-%m-%dT%H:00:00Z' },
  day: { unit: 'day', format: '%Y-%m-%d' },
  week: { unit: 'week', format: '%Y-%m-%d' },
  month: { unit: 'month', format: '%Y-%m' },
};

export interface CompileOptions {
  /**
   * Name the result columns as the API does (`"model"`, `"cost"`) instead of `d0`, `m0`: for
   * SQL people read, the named Athena queries. Only for names that are plain lowercase words.
   */
  readableColumns?: boolean;
}

export function compileAnalyticsQuery(query: AnalyticsQuery, options: CompileOptions = {}): CompiledQuery {
  const rows = new RowSet(query);
  const dimensions = query.groupBy.map((field, index) => ({ alias: `d${index}`, name: field.name, sql: rows.value(field) }));
  const period = query.resolution ? [{ alias: periodAlias, name: 'period', sql: periodSql(query.resolution) }] : [];
  const keys = [...period, ...dimensions];
  const parent = [...period, ...dimensions.slice(0, -1)].map((key) => key.alias);
  const context: MetricContext = {
    ...rows.toolContext(),
    parentWindow: parent.length ? `PARTITION BY ${parent.join(', ')}` : '',
    ...(query.metrics.includes('projected_month_end_cost') ? { month: projectedMonth(query) } : {}),
  };
  const used = [...new Set(query.metrics.flatMap((name): readonly AggregateName[] => metrics[name].uses))];
  const measures = query.metrics.map((name, index) => ({ alias: `m${index}`, name, sql: metrics[name].value(context) }));

  const filters = rows.filters();
  const inner = [
    `SELECT ${[...keys.map((key) => `${key.sql} AS ${key.alias}`), ...used.map((name) => `${aggregateSql(name, context)} AS ${aggregateColumn(name)}`)].join(',\n    ')}`,
    `  FROM ${rows.from()}`,
    ...(filters.length ? [`  WHERE ${filters.join('\n    AND ')}`] : []),
    ...(keys.length ? [`  GROUP BY ${keys.map((_, index) => index + 1).join(', ')}`] : []),
  ].join('\n');
  const output = options.readableColumns ? readableName : (column: { alias: string }) => column.alias;
  const order = [
    ...period.map((key) => `${output(key)} ASC`),
    ...measures.slice(0, 1).map((measure) => `${output(measure)} DESC NULLS LAST`),
    ...dimensions.map((key) => `${output(key)} ASC NULLS LAST`),
  ];
  const sql = [
    rows.with(),
    `SELECT ${[...keys.map((key) => (options.readableColumns ? `${key.alias} AS ${output(key)}` : key.alias)), ...measures.map((measure) => `${measure.sql} AS ${output(measure)}`)].join(',\n  ')}`,
    `FROM (\n  ${inner}\n) AS grouped`,
    `ORDER BY ${order.join(', ')}`,
    `LIMIT ${sqlInteger(query.limit + 1)}`,
  ].join('\n');
  return { sql, columns: [...keys, ...measures].map((column) => ({ alias: output(column), name: column.name })), limit: query.limit };
}

function readableName({ name }: { name: string }): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" cannot be a readable column name.`);
  return `"${name}"`;
}

function periodSql(resolution: Resolution): string {
  const { unit, format } = buckets[resolution];
  return `date_format(date_trunc(${sqlString(unit)}, ${timestamp}), ${sqlString(format)})`;
}

/**
 * projected_month_end_cost, precisely: let `cutoff` be the earlier of the range's end and now,
 * and the month the UTC calendar month holding the instant just before `cutoff`. The spend of
 * the month's requests before `cutoff` is multiplied by (length of the month ÷ time from the
 * month's start to `cutoff`): the month's spend if the rate so far went on to its end.
 */
function projectedMonth(query: AnalyticsQuery): NonNullable<MetricContext['month']> {
  if (query.range.kind !== 'between') throw new Error('projected_month_end_cost needs a range with an end.');
  const cutoff = Math.min(query.range.end, query.now);
  const start = startOfMonth(cutoff - 1);
  const next = startOfMonth(start + 32 * 86_400_000);
  return { startsAt: instant(start), cutoff: instant(cutoff), monthMs: next - start, elapsedMs: cutoff - start };
}

const instant = (ms: number) => `from_iso8601_timestamp(${sqlString(new Date(ms).toISOString())})`;

/** The rows the aggregates run over: requests of the range, unnested and joined as the fields need. */
class RowSet {
  private readonly unnested: ReadonlySet<string>;
  private readonly feedbackKeys: readonly string[];

  constructor(private readonly query: AnalyticsQuery) {
    this.unnested = new Set(query.groupBy.filter((field) => field.source === 'element').map((field) => field.name));
    const named = [...query.groupBy, ...query.filters.map((filter) => filter.field)];
    this.feedbackKeys = [...new Set(named.flatMap((field) => (field.source === 'feedback' ? [field.key] : [])))];
  }

  /** The field's value on one row. */
  value(field: AnalyticsField): string {
    switch (field.source) {
      case 'column':
        return field.orElse ? `coalesce(${sqlColumn(field.column)}, ${sqlColumn(field.orElse)})` : sqlColumn(field.column);
      case 'element':
        if (!this.unnested.has(field.name)) throw new Error(`${field.name} is read per row only when grouped by.`);
        return field.name;
      case 'extra':
        return `element_at("extra", ${sqlString(field.key)})`;
      case 'feedback': {
        // Feedback quotes either id: the later of the two answers wins, as a later call would.
        const [byRequest, byResponse] = feedbackAliases(this.feedbackKeys.indexOf(field.key));
        return `CASE WHEN ${byResponse}.feedback_at IS NULL OR ${byRequest}.feedback_at >= ${byResponse}.feedback_at THEN ${byRequest}.feedback_value ELSE ${byResponse}.feedback_value END`;
      }
    }
  }

  /**
   * The requests, each once; then per feedback field one row per id and key, its latest value
   * (so a feedback record written twice counts once too).
   */
  with(): string {
    const partitions = this.query.range.kind === 'between' ? partitionsFrom(this.query.range.start) : partitionsOfLastDays(this.query.range.days);
    const feedback = this.feedbackKeys.map((key, index) => {
      const value = `element_at("data", ${sqlString(key)})`;
      // Values are JSON text: a string's value is shown unquoted ("helpful" → helpful), others as written.
      const shown = `coalesce(json_extract_scalar(${value}, '$'), ${value})`;
      return [
        `feedback_${index} AS (`,
        `  SELECT "request_id" AS feedback_id, "api_key_id" AS feedback_key,`,
        `    max_by(${shown}, ${timestamp}) AS feedback_value, max(${timestamp}) AS feedback_at`,
        `  FROM feedback`,
        `  WHERE ${partitions} AND ${value} IS NOT NULL`,
        `  GROUP BY "request_id", "api_key_id"`,
        `)`,
      ].join('\n');
    });
    return `WITH ${[this.requestsOnce(), ...feedback].join(',\n')}`;
  }

  /**
   * The requests of the range, each once. Firehose delivers at least once: a put tried again
   * after a timeout or a partial failure, or Firehose's own retry, writes a record twice, and the
   * copy may be filed under the next day (Firehose files by arrival, not by the record's time).
   * Copies are the same bytes (a record is serialised once), so which one is kept changes no
   * value; the first filed is. Partitions and time are read here, so Athena still prunes.
   */
  private requestsOnce(): string {
    return [
      'requests_once AS (',
      '  SELECT * FROM (',
      '    SELECT *, row_number() OVER (PARTITION BY "request_id" ORDER BY "year", "month", "day") AS copy_number',
      '    FROM requests',
      `    WHERE ${this.range().join('\n      AND ')}`,
      '  ) AS request_copies',
      '  WHERE copy_number = 1',
      ')',
    ].join('\n');
  }

  from(): string {
    const joins = [
      ...[...this.unnested].map((name) => {
        const list = name === 'tag' ? '"tags"' : '"tool_calls"';
        // A request with none stays, under a null tag or tool, as a request without an extra field does.
        return `CROSS JOIN UNNEST(CASE WHEN cardinality(${list}) = 0 THEN ARRAY[CAST(NULL AS VARCHAR)] ELSE array_distinct(${list}) END) AS ${name}_rows (${name})`;
      }),
      ...this.feedbackKeys.flatMap((_, index) => {
        const [byRequest, byResponse] = feedbackAliases(index);
        return [
          `LEFT JOIN feedback_${index} AS ${byRequest} ON ${byRequest}.feedback_id = "request_id" AND ${byRequest}.feedback_key = "api_key_id"`,
          `LEFT JOIN feedback_${index} AS ${byResponse} ON ${byResponse}.feedback_id = "response_id" AND ${byResponse}.feedback_key = "api_key_id"`,
        ];
      }),
    ];
    return ['requests_once', ...joins].join('\n  ');
  }

  filters(): string[] {
    return this.query.filters.map(({ field, values }) => this.filter(field, values));
  }

  /** The range's partitions, then its exact instants. */
  private range(): string[] {
    const { range } = this.query;
    return range.kind === 'between'
      ? [partitionsBetween(range.start, range.end), `${timestamp} >= ${instant(range.start)}`, `${timestamp} < ${instant(range.end)}`]
      : [partitionsOfLastDays(range.days), `${timestamp} >= current_timestamp - INTERVAL ${sqlString(sqlInteger(range.days))} DAY`];
  }

  toolContext(): Pick<MetricContext, 'toolCalls' | 'costWeight'> {
    if (!this.unnested.has('tool')) return { toolCalls: 'cardinality("tool_calls")', costWeight: '1' };
    const callsOfTool = 'cardinality("tool_calls") - cardinality(array_remove("tool_calls", tool))';
    return {
      toolCalls: `CASE WHEN tool IS NULL THEN 0 ELSE ${callsOfTool} END`,
      costWeight: `CASE WHEN tool IS NULL THEN 1 ELSE CAST(${callsOfTool} AS DOUBLE) / cardinality("tool_calls") END`,
    };
  }

  /** Values of one field are alternatives; `*` is a wildcard; null matches a missing value. */
  private filter(field: AnalyticsField, values: readonly (string | null)[]): string {
    const given = values.filter((value): value is string => value !== null);
    const conditions: string[] = [];
    if (field.source === 'element' && !this.unnested.has(field.name)) {
      const list = sqlColumn(field.list);
      conditions.push(...given.map((value) => `contains(${list}, ${sqlString(value)})`));
      if (values.includes(null)) conditions.push(`cardinality(${list}) = 0`);
      return `(${conditions.join(' OR ')})`;
    }
    const value = this.value(field);
    const exact = given.filter((item) => !item.includes('*'));
    const literal = (item: string) => (field.type === 'integer' ? sqlInteger(Number(item)) : sqlString(item));
    if (exact.length) conditions.push(`${value} IN (${exact.map(literal).join(', ')})`);
    const text = field.type === 'integer' ? `CAST(${value} AS VARCHAR)` : value;
    for (const pattern of given.filter((item) => item.includes('*'))) {
      conditions.push(`${text} LIKE ${likePattern(pattern)} ESCAPE ${sqlString(likeEscape)}`);
    }
    if (values.includes(null)) conditions.push(`${value} IS NULL`);
    return `(${conditions.join(' OR ')})`;
  }
}

function feedbackAliases(index: number): [byRequest: string, byResponse: string] {
  return [`feedback_${index}_by_request`, `feedback_${index}_by_response`];
}
