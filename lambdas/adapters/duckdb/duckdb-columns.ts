import type { z } from 'zod';
import { columnTypes } from '../../core/request-log/column-types.js';

/**
 * DuckDB column types from a zod object schema: what `read_json` is told to read, so that the
 * local views have the Glue table's columns whatever the files hold — a field no line has is
 * still a typed column, and no data at all is still a typed empty view.
 */
export function duckDbColumns(schema: z.ZodObject): Record<string, string> {
  return Object.fromEntries(
    columnTypes(schema, {
      string: 'VARCHAR',
      boolean: 'BOOLEAN',
      integer: 'BIGINT',
      double: 'DOUBLE',
      array: (element) => `${element}[]`,
      map: (value) => `MAP(VARCHAR, ${value})`,
      struct: (fields) => `STRUCT(${fields.map(([key, type]) => `"${key}" ${type}`).join(', ')})`,
    }),
  );
}
