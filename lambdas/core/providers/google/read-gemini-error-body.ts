import { safeJson } from '../safe-json.js';
import type { UpstreamErrorDetails } from '../upstream-error.js';
import { geminiErrorBodySchema } from './gemini-wire.js';

// https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
export function readGeminiErrorBody(body: string): UpstreamErrorDetails {
  const parsed = geminiErrorBodySchema.safeParse(safeJson(body));
  return parsed.success ? { message: parsed.data.error.message, type: parsed.data.error.status } : {};
}
