import type { z } from 'zod';

/**
 * DuckDB column types from a zod object schema: what `read_json` is told to read, so that the
 * local views have the Glue table's columns (lib/glue-columns.ts) whatever the files hold — a
 * field no line has is still a typed column, and no data at all is still a typed empty view.
 */
export function duckDbColumns(schema: z.ZodObject): Record<string, string> {
  return Object.fromEntries(Object.entries(schema.shape).map(([name, field]) => [name, duckDbType(field as z.ZodType, name)]));
}

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

function duckDbType(field: z.ZodType, name: string): string {
  const def = field._zod.def as ZodDef;
  if ((def.type === 'nullable' || def.type === 'optional') && def.innerType) return duckDbType(def.innerType, name);
  if (def.type === 'string') return 'VARCHAR';
  if (def.type === 'boolean') return 'BOOLEAN';
  if (def.type === 'number') return (field as z.ZodNumber).format === 'safeint' ? 'BIGINT' : 'DOUBLE';
  if (def.type === 'array' && def.element) return `${duckDbType(def.element, name)}[]`;
  if (def.type === 'record' && def.valueType) return `MAP(VARCHAR, ${duckDbType(def.valueType, name)})`;
  if (def.type === 'object' && def.shape) {
    return `STRUCT(${Object.entries(def.shape).map(([key, value]) => `"${key}" ${duckDbType(value, `${name}.${key}`)}`).join(', ')})`;
  }
  throw new Error(`Field "${name}": no DuckDB type for zod type "${def.type}".`);
}
