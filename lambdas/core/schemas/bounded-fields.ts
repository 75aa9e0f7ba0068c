import { z } from 'zod';
import { isPrintable, quoted } from './printable.js';

export interface FieldBounds {
  maxFields: number;
  /** Longest field name, in characters. */
  nameChars: number;
  /** What is wrong with a value, if anything. */
  valueProblem: (value: unknown) => string | undefined;
}

/**
 * An object of named fields as a client sends one to be stored and grouped by (`requesty.extra`,
 * feedback `data`): a bounded number of fields with short printable names, each value checked
 * by `valueProblem`. Checked field by field, so the 400 names the field at fault (`….team`, or
 * `….` for an empty name); a name too long or unprintable to echo back is quoted, cut short, in
 * the message instead. Values are not walked into here.
 */
export function boundedFields({ maxFields, nameChars, valueProblem }: FieldBounds) {
  const nameProblem = (field: string): string | undefined => {
    if (field.length === 0) return 'a field name must not be empty';
    if (field.length > nameChars) return `a field name is at most ${nameChars} characters`;
    if (!isPrintable(field)) return 'a field name must not contain control characters or line breaks';
    return undefined;
  };
  return z.record(z.string(), z.unknown(), { error: 'must be an object of named fields' }).superRefine((fields, ctx) => {
    const entries = Object.entries(fields);
    if (entries.length > maxFields) {
      ctx.addIssue({ code: 'custom', message: `at most ${maxFields} fields are accepted, not ${entries.length}` });
      return;
    }
    for (const [field, value] of entries) {
      const echoable = field.length <= nameChars && isPrintable(field);
      const problem = nameProblem(field) ?? valueProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', path: echoable ? [field] : [], message: echoable ? problem : `the field ${quoted(field)}: ${problem}` });
    }
  });
}
