/** A value in an analytics result: numbers for counts, sums and rates, strings for group values. */
export type AnalyticsValue = string | number | boolean | null;

export interface AnalyticsRows {
  /** Keyed by the result's column names, as the SQL aliased them. */
  rows: Record<string, AnalyticsValue>[];
  /** What the engine read to answer (Athena bills by it); absent where nothing is billed. */
  scannedBytes?: number;
}

/**
 * Where analytics SQL runs: Athena deployed, DuckDB over the local JSON-lines files. Both are
 * given the same text (see core/analytics/compile-analytics-query.ts), with tables named
 * `requests` and `feedback`. Failures are GatewayErrors the management API can answer with.
 */
export interface AnalyticsEngine {
  query(sql: string): Promise<AnalyticsRows>;
}
