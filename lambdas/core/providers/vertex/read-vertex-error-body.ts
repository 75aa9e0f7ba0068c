import { readAnthropicErrorBody } from '../anthropic/read-anthropic-error-body.js';
import { readGeminiErrorBody } from '../google/read-gemini-error-body.js';
import type { UpstreamErrorDetails } from '../upstream-error.js';

/**
 * Vertex answers in Google's error format (`{"error": {"code", "message", "status"}}`), also for
 * Claude when Vertex itself refuses (quota, auth); Claude's own errors come in Anthropic's.
 */
export function readVertexErrorBody(body: string): UpstreamErrorDetails {
  const google = readGeminiErrorBody(body);
  return google.message ? google : readAnthropicErrorBody(body);
}
