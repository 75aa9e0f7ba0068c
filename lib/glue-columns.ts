import type { z } from 'zod';

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
  return Object.entries(schema.shape).map(([name, field]) => ({ name, type: glueType(field as z.ZodType, name) }));
}

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

function glueType(field: z.ZodType, name: string): string {
  const def = field._zod.def as ZodDef;
  if ((def.type === 'nullable' || def.type === 'optional') && def.innerType) return glueType(def.innerType, name);
  if (def.type === 'string') return 'string';
  if (def.type === 'boolean') return 'boolean';
  if (def.type === 'number') return (field as z.ZodNumber).format === 'safeint' ? 'bigint' : 'double';
  if (def.type === 'array' && def.element) return `array<${glueType(def.element, name)}>`;
  // Record keys are always strings in JSON, which is what the JSON SerDe reads.
  if (def.type === 'record' && def.valueType) return `map<string,${glueType(def.valueType, name)}>`;
  if (def.type === 'object' && def.shape) {
    const fields = Object.entries(def.shape).map(([key, value]) => `${key}:${glueType(value, `${name}.${key}`)}`);
    return `struct<${fields.join(',')}>`;
  }
  throw new Error(`Field "${name}": no Glue type for zod type "${def.type}".`);
}
