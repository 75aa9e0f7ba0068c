import { randomUUID } from 'node:crypto';
import { anthropicEventsToChunks } from '../anthropic/anthropic-events-to-chunks.js';
import { toAnthropicRequest } from '../anthropic/to-anthropic-request.js';
import { textInputs } from '../embedding-inputs.js';
import { geminiEventsToChunks } from '../google/gemini-events-to-chunks.js';
import { toGeminiRequest } from '../google/to-gemini-request.js';
import type { ChatProvider } from '../provider.js';
import { readJson, upstreamEvents } from '../read-upstream-body.js';
import { malformedResponse } from '../upstream-error.js';
import { embeddingsList } from '../../schemas/openai-embeddings.js';
import { toVertexAnthropicBody, vertexAnthropicCalls } from './vertex-anthropic-calls.js';
import { vertexCaller } from './vertex-caller.js';
import { fromVertexEmbeddingResponse, toVertexEmbeddingRequest } from './vertex-embeddings.js';
import { runsInEuRegion, vertexTarget } from './vertex-target.js';

/**
 * Google Cloud's Vertex AI: Gemini models through Google's publisher endpoint
 * (streamGenerateContent, Gemini's own format) and Claude models through Anthropic's
 * (streamRawPredict, Anthropic's Messages format without `model`), each translated by its
 * provider's functions; embeddings through `:predict`. Calls carry an OAuth access token of the
 * configured service account (vertex-caller.ts).
 */
export function vertexProvider(id = 'vertex'): ChatProvider {
  const send = vertexCaller(id);
  return {
    id,
    runsInEu: (model, credentials) => runsInEuRegion(vertexTarget(model, credentials.region).region),
    missingCredentials: (credentials) => (credentials.serviceAccount ? undefined : 'a service account'),
    anthropicProtocol: { ...vertexAnthropicCalls(id, send), speaks: (model) => vertexTarget(model).publisher === 'anthropic' },
    async embed(request, call) {
      const target = vertexTarget(call.model, call.credentials.region);
      const answers = await Promise.all(
        textInputs(request, id).map(async (text) =>
          fromVertexEmbeddingResponse(await readJson(id, await send(call, target, 'predict', JSON.stringify(toVertexEmbeddingRequest(text, request.dimensions))))),
        ),
      );
      const embeddings = answers.filter((answer) => answer !== undefined);
      if (embeddings.length !== answers.length) throw malformedResponse(id);
      const tokens = embeddings.reduce((sum, answer) => sum + answer.tokens, 0);
      return embeddingsList(embeddings.map((answer) => answer.vector), call.model, tokens, request.encoding_format);
    },
    async stream(request, call) {
      const target = vertexTarget(call.model, call.credentials.region);
      const created = Math.floor(call.clock.now() / 1000);
      if (target.publisher === 'anthropic') {
        const { body, translation } = toAnthropicRequest(request, target.model);
        const response = await send(call, target, 'streamRawPredict', JSON.stringify(toVertexAnthropicBody(body)));
        return anthropicEventsToChunks(id, upstreamEvents(id, response), translation, created);
      }
      const response = await send(call, target, 'streamGenerateContent?alt=sse', JSON.stringify(toGeminiRequest(request)));
      return geminiEventsToChunks(id, upstreamEvents(id, response), call.model, `chatcmpl-${randomUUID()}`, created);
    },
  };
}
