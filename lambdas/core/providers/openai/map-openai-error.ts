import { z } from 'zod';
import type { ProviderError } from '../../errors.js';
import { safeJson } from '../safe-json.js';
import { upstreamError } from '../upstream-error.js';

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

export function mapOpenAIError(
  provider: string,
  status: number,
  headers: Record<string, string | undefined>,
  body: string,
  now: number,
): ProviderError {
  const parsed = openAIErrorBodySchema.safeParse(safeJson(body));
  const error = parsed.success ? parsed.data.error : undefined;
  return upstreamError(provider, status, headers, now, {
    message: error?.message,
    code: error?.code === undefined || error.code === null ? null : String(error.code),
    type: error?.type,
    param: error?.param,
  });
}
