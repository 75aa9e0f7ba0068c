import { randomUUID } from 'node:crypto';
import { callUpstream } from '../call-upstream.js';
import { readJson, upstreamEvents } from '../read-upstream-body.js';
import { malformedResponse } from '../upstream-error.js';
import { missingApiKey } from '../missing-api-key.js';
import type { ChatProvider, ProviderCall } from '../provider.js';
import { geminiEventsToChunks } from './gemini-events-to-chunks.js';
import { fromGeminiImageResponses, toGeminiImageRequest } from './gemini-images.js';
import { geminiEmbeddingsSchema } from './gemini-wire.js';
import { embeddingsList } from '../../schemas/openai-embeddings.js';
import { textInputs } from '../embedding-inputs.js';
import { readGeminiErrorBody } from './read-gemini-error-body.js';
import { toGeminiRequest } from './to-gemini-request.js';

const defaultBaseUrl = 'https://generativelanguage.googleapis.com';

/** Google's Gemini API (streamGenerateContent for chat, batchEmbedContents), translated both ways. */
export function geminiProvider(id = 'google'): ChatProvider {
  const send = (call: ProviderCall, method: string, body: Record<string, unknown>) => {
    const base = (call.credentials.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '');
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
      readGeminiErrorBody,
    );
  };

  return {
    id,
    // The Gemini API gives no regional guarantee; EU inference goes through Vertex AI or Bedrock.
    runsInEu: () => false,
    missingCredentials: missingApiKey,
    // https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
    async embed(request, call) {
      const texts = textInputs(request, id);
      const body = {
        requests: texts.map((text) => ({
          model: `models/${call.model}`,
          content: { parts: [{ text }] },
          ...(request.dimensions ? { outputDimensionality: request.dimensions } : {}),
        })),
      };
      const parsed = geminiEmbeddingsSchema.safeParse(await readJson(id, await send(call, 'batchEmbedContents', body)));
      if (!parsed.success) throw malformedResponse(id);
      // The Gemini API reports no token count for embeddings: this is an estimate (4 characters a token).
      const estimatedTokens = texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
      return embeddingsList(parsed.data.embeddings.map((embedding) => embedding.values), call.model, estimatedTokens, request.encoding_format);
    },
    async generateImages(request, call) {
      const body = toGeminiImageRequest(request);
      const answers = await Promise.all(Array.from({ length: request.n ?? 1 }, async () => readJson(id, await send(call, 'generateContent', body))));
      const images = fromGeminiImageResponses(answers, request, Math.floor(call.clock.now() / 1000));
      if (!images) throw malformedResponse(id);
      return images;
    },
    async stream(request, call) {
      const response = await send(call, 'streamGenerateContent?alt=sse', toGeminiRequest(request));
      return geminiEventsToChunks(id, upstreamEvents(id, response), call.model, `chatcmpl-${randomUUID()}`, Math.floor(call.clock.now() / 1000));
    },
  };
}
