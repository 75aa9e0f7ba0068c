import { z } from 'zod';
import { boundedFields } from './bounded-fields.js';
import { isPrintable, isWellFormed } from './printable.js';

/**
 * Bounds on what a request may say about itself. Requesty's metadata page shows short
 * identifiers (`user_1234`, `session_abc123`), a few tags and a few `extra` fields with short
 * string values; these bounds are far above that, and keep what is stored with every usage row
 * (and quoted in logs and reports) small and printable: at most about 8 KB per request.
 */
export const requestyLimits = {
  /** A tag, or the name of an `extra` field. */
  nameChars: 64,
  tags: 20,
  extraFields: 20,
  /** An `extra` field's string value. */
  valueChars: 256,
  /** `user_id`, `trace_id`. */
  idChars: 256,
} as const;

/** What an `extra` field may hold: a scalar, as Requesty's analytics group by it. */
export type ExtraValue = string | number | boolean | null;

const name = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(requestyLimits.nameChars, `${what} is longer than ${requestyLimits.nameChars} characters`)
    .refine(isPrintable, `${what} must not contain control characters or line breaks`);

const identifier = z
  .string()
  .max(requestyLimits.idChars, `longer than ${requestyLimits.idChars} characters`)
  .refine(isPrintable, 'must not contain control characters or line breaks');

const extraValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** No value is walked into: a nested one is refused as such, however deep it goes. */
const extraSchema = boundedFields({ maxFields: requestyLimits.extraFields, nameChars: requestyLimits.nameChars, valueProblem: fieldValueProblem }).pipe(
  z.record(z.string(), extraValueSchema),
);

function fieldValueProblem(value: unknown): string | undefined {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return undefined;
  if (typeof value !== 'string') return 'a value must be a string, number, boolean or null, not an object or array';
  if (value.length > requestyLimits.valueChars) return `a value is at most ${requestyLimits.valueChars} characters`;
  // Unpaired surrogates have no UTF-8 form; other characters are fine in a value.
  if (!isWellFormed(value)) return 'a value must be valid Unicode';
  return undefined;
}

/**
 * Requesty's request extension (what SDKs send through `extra_body.requesty`), so Requesty
 * clients work unchanged: https://docs.requesty.ai/features/request-metadata. Its fields are
 * bounded (requestyLimits); unknown fields are kept for forward compatibility and not stored.
 */
export const requestyExtensionSchema = z
  .object({
    auto_cache: z.boolean().optional(),
    tags: z.array(name('a tag')).max(requestyLimits.tags, `at most ${requestyLimits.tags} tags are accepted`).optional(),
    user_id: identifier.optional(),
    trace_id: identifier.optional(),
    extra: extraSchema.optional(),
  })
  .loose();

export type RequestyExtension = z.infer<typeof requestyExtensionSchema>;
