import type { z } from 'zod';
import { columnTypes } from '../lambdas/core/request-log/column-types.js';

export interface GlueColumn {
  name: string;
  type: string;
}

/**
 * Glue (Hive) column types from a zod object schema, so the table Athena reads can never
 * drift from the records the gateway writes. Timestamps stay strings: Firehose writes ISO 8601,
 * which Athena parses with from_iso8601_timestamp.
 */
export function glueColumns(schema: z.ZodObject): GlueColumn[] {
  return columnTypes(schema, {
    string: 'string',
    boolean: 'boolean',
    integer: 'bigint',
    double: 'double',
    array: (element) => `array<${element}>`,
    // Record keys are always strings in JSON, which is what the JSON SerDe reads.
    map: (value) => `map<string,${value}>`,
    struct: (fields) => `struct<${fields.map(([key, type]) => `${key}:${type}`).join(',')}>`,
  }).map(([name, type]) => ({ name, type }));
}
