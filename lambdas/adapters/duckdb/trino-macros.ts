import type { MacroFunction } from '../../core/analytics/portable-sql.js';

/**
 * DuckDB macros for the Trino functions the portable subset uses that DuckDB lacks or means
 * differently (core/analytics/portable-sql.ts). Macros in the `main` schema shadow DuckDB's own
 * functions of the same name (cardinality, element_at). Each gives Trino's answer on the values
 * the request log holds.
 */
export const trinoMacros: Readonly<Record<MacroFunction, string>> = {
  // Exact where Trino approximates: an observed value, as Trino's is, so both lie within the data.
  approx_percentile: 'approx_percentile(x, p) AS quantile_disc(x, p)',
  cardinality: 'cardinality(l) AS len(l)',
  element_at: 'element_at(m, k) AS map_extract_value(m, k)',
  array_remove: 'array_remove(l, e) AS list_filter(l, lambda x: x IS DISTINCT FROM e)',
  // A naive UTC timestamp: the same instant, and date_trunc and date_format then ignore the session's zone.
  from_iso8601_timestamp: "from_iso8601_timestamp(s) AS timezone('UTC', CAST(s AS TIMESTAMPTZ))",
  date_format: 'date_format(t, f) AS strftime(t, f)',
  json_extract_scalar: "json_extract_scalar(j, p) AS CASE WHEN json_valid(j) AND json_type(j, p) NOT IN ('OBJECT', 'ARRAY') THEN json_extract_string(j, p) END",
};
