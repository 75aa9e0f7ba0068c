import type { ProviderError } from '../../errors.js';
import { safeJson } from '../safe-json.js';
import { upstreamError } from '../upstream-error.js';
import { geminiErrorBodySchema } from './gemini-wire.js';

// https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
export function mapGeminiError(
  provider: string,
  status: number,
  headers: Record<string, string | undefined>,
  body: string,
  now: number,
): ProviderError {
  const parsed = geminiErrorBodySchema.safeParse(safeJson(body));
  return upstreamError(provider, status, headers, now, parsed.success ? { message: parsed.data.error.message, type: parsed.data.error.status } : {});
}
