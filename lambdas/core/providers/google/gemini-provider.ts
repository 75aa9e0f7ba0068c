import { randomUUID } from 'node:crypto';
import { parseSse } from '../../sse/parse-sse.js';
import { callUpstream, malformedResponse, readJson, upstreamBody } from '../call-upstream.js';
import type { ChatProvider, ProviderCall } from '../provider.js';
import { fromGeminiResponse } from './from-gemini-response.js';
import { geminiEventsToChunks } from './gemini-events-to-chunks.js';
import { geminiResponseSchema } from './gemini-wire.js';
import { mapGeminiError } from './map-gemini-error.js';
import { toGeminiRequest } from './to-gemini-request.js';

const defaultBaseUrl = 'https://generativelanguage.googleapis.com';

/** Google's Gemini API (generateContent / streamGenerateContent), translated both ways. */
export function geminiProvider(id = 'google'): ChatProvider {
  const send = (call: ProviderCall, stream: boolean, body: Record<string, unknown>) => {
    const base = (call.credentials.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '');
    const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    return callUpstream(
      id,
      {
        url: `${base}/v1beta/models/${encodeURIComponent(call.model)}:${method}`,
        headers: {
          'content-type': 'application/json',
          ...(call.credentials.apiKey ? { 'x-goog-api-key': call.credentials.apiKey } : {}),
        },
        body: JSON.stringify(body),
      },
      call,
      (status, headers, text) => mapGeminiError(id, status, headers, text, call.clock.now()),
    );
  };
  const created = (call: ProviderCall) => Math.floor(call.clock.now() / 1000);

  return {
    id,
    // The Gemini API gives no regional guarantee; EU inference goes through Vertex AI or Bedrock.
    runsInEu: () => false,
    async complete(request, call) {
      const response = geminiResponseSchema.safeParse(await readJson(id, await send(call, false, toGeminiRequest(request))));
      if (!response.success) throw malformedResponse(id);
      return fromGeminiResponse(response.data, call.model, `chatcmpl-${randomUUID()}`, created(call));
    },
    async stream(request, call) {
      const response = await send(call, true, toGeminiRequest(request));
      return geminiEventsToChunks(id, parseSse(upstreamBody(id, response)), call.model, `chatcmpl-${randomUUID()}`, created(call));
    },
  };
}
