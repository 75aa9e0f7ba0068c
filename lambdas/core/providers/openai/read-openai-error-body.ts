import { z } from 'zod';
import { safeJson } from '../safe-json.js';
import type { UpstreamErrorDetails } from '../upstream-error.js';

// https://platform.openai.com/docs/guides/error-codes
export const openAIErrorBodySchema = z.object({
  error: z
    .object({
      message: z.string().nullish(),
      type: z.string().nullish(),
      code: z.union([z.string(), z.number()]).nullish(),
      param: z.string().nullish(),
    })
    .loose(),
});

export function readOpenAIErrorBody(body: string): UpstreamErrorDetails {
  const parsed = openAIErrorBodySchema.safeParse(safeJson(body));
  if (!parsed.success) return {};
  const { message, code, type, param } = parsed.data.error;
  return { message, code: code === undefined || code === null ? null : String(code), type, param };
}
