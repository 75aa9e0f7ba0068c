import type { z } from 'zod';

/** A secret's text checked against its schema; a problem names fields, never values. */
export type ParsedSecret<T> = { ok: true; value: T } | { ok: false; problem: string };

export function parseJsonSecret<Schema extends z.ZodType>(text: string, schema: Schema): ParsedSecret<z.infer<Schema>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'does not hold JSON' };
  }
  return checkSecretValue(json, schema);
}

/** A value taken out of a JSON secret (one entry of it, say) checked against its schema. */
export function checkSecretValue<Schema extends z.ZodType>(value: unknown, schema: Schema): ParsedSecret<z.infer<Schema>> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fields = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => `${key} (unknown)`) : [issue.path.join('.') || '(root)'],
  );
  return { ok: false, problem: `is missing or has invalid fields: ${fields.join(', ')}` };
}
