import { z } from 'zod';
import { ProviderError, providerErrorKindForStatus } from '../../errors.js';
import { parseRetryAfterMs } from '../retry-after.js';
import { safeJson } from '../safe-json.js';

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
  const retryAfterMs = parseRetryAfterMs(headers, now);
  return new ProviderError({
    provider,
    kind: providerErrorKindForStatus(status),
    status,
    message: error?.message ? `${provider}: ${error.message}` : `${provider} answered with HTTP ${status}.`,
    code: error?.code === undefined || error.code === null ? null : String(error.code),
    type: error?.type ?? null,
    param: error?.param ?? null,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
