import type { z } from 'zod';

/** How one table engine spells each kind of column type. */
export interface ColumnTypeSpelling {
  string: string;
  boolean: string;
  integer: string;
  double: string;
  array(element: string): string;
  /** Keys are always strings: JSON object keys. */
  map(value: string): string;
  struct(fields: readonly (readonly [name: string, type: string])[]): string;
}

/**
 * Column types from a zod object schema, spelt for one engine: the Glue table Athena reads
 * (lib/glue-columns.ts) and the DuckDB views over the local files (adapters/duckdb) both come
 * from the record schemas this way, so neither can drift from the records the gateway writes.
 */
export function columnTypes(schema: z.ZodObject, spelling: ColumnTypeSpelling): [name: string, type: string][] {
  return Object.entries(schema.shape).map(([name, field]) => [name, columnType(field as z.ZodType, name, spelling)]);
}

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

function columnType(field: z.ZodType, name: string, spelling: ColumnTypeSpelling): string {
  const def = field._zod.def as ZodDef;
  if ((def.type === 'nullable' || def.type === 'optional') && def.innerType) return columnType(def.innerType, name, spelling);
  if (def.type === 'string') return spelling.string;
  if (def.type === 'boolean') return spelling.boolean;
  if (def.type === 'number') return (field as z.ZodNumber).format === 'safeint' ? spelling.integer : spelling.double;
  if (def.type === 'array' && def.element) return spelling.array(columnType(def.element, name, spelling));
  if (def.type === 'record' && def.valueType) return spelling.map(columnType(def.valueType, name, spelling));
  if (def.type === 'object' && def.shape) {
    return spelling.struct(Object.entries(def.shape).map(([key, value]) => [key, columnType(value, `${name}.${key}`, spelling)] as const));
  }
  throw new Error(`Field "${name}": no column type for zod type "${def.type}".`);
}
