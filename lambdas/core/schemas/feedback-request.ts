import { z } from 'zod';
import { boundedFields } from './bounded-fields.js';

/**
 * Bounds on one feedback call. Requesty's feedback page shows a handful of fields (a rating, a
 * comment, a flag, a user id, a list of tags); these are far above that, and each value fits
 * the feedback record's column (feedback-record.ts) as JSON text.
 */
export const feedbackLimits = {
  fields: 50,
  nameChars: 64,
  /** A value as JSON text: `5`, `"helpful"`, `["a","b"]`. */
  valueChars: 4_096,
  /** The id a client quotes: the gateway's request id or the answer's own id. */
  idChars: 256,
} as const;

function valueProblem(value: unknown): string | undefined {
  let finite = true;
  // JSON.parse reads 1e999 as Infinity, which JSON.stringify would store as null.
  const text = JSON.stringify(value, (_, inner: unknown) => {
    if (typeof inner === 'number' && !Number.isFinite(inner)) finite = false;
    return inner;
  });
  if (!finite) return 'a number must be finite';
  if (text.length > feedbackLimits.valueChars) return `a value is at most ${feedbackLimits.valueChars} characters as JSON`;
  return undefined;
}

/**
 * `POST /v1/feedback/{id}`'s body as Requesty documents it
 * (https://docs.requesty.ai/features/request-feedback): `{"data": {...}}`, whose fields may hold
 * any JSON value (the page's example sends a string, a number, a boolean and a list of tags).
 */
export const feedbackRequestSchema = z
  .object({
    data: boundedFields({ maxFields: feedbackLimits.fields, nameChars: feedbackLimits.nameChars, valueProblem }).refine(
      (data) => Object.keys(data).length > 0,
      'at least one field is needed',
    ),
  })
  .strict();

/** Visible ASCII: what request ids and answer ids (`chatcmpl-…`, `msg_…`) are made of. */
export const feedbackIdSchema = z
  .string()
  .max(feedbackLimits.idChars, `a request id is at most ${feedbackLimits.idChars} characters`)
  .regex(/^[\x21-\x7e]+$/, 'a request id is made of visible ASCII characters');
