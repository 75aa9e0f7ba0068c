import { randomUUID } from 'node:crypto';
import { GatewayError, ProviderError } from '../../errors.js';
import { anthropicEventsToChunks } from '../anthropic/anthropic-events-to-chunks.js';
import { toAnthropicRequest } from '../anthropic/to-anthropic-request.js';
import { callUpstream } from '../call-upstream.js';
import { geminiEventsToChunks } from '../google/gemini-events-to-chunks.js';
import { toGeminiRequest } from '../google/to-gemini-request.js';
import type { ChatProvider, ProviderCall } from '../provider.js';
import { readJson, upstreamEvents } from '../read-upstream-body.js';
import { malformedResponse } from '../upstream-error.js';
import { embeddingsList } from '../../schemas/openai-embeddings.js';
import { textInputs } from '../embedding-inputs.js';
import type { HttpResponse } from '../../../ports/http-client.js';
import { AccessTokens } from './access-tokens.js';
import { readVertexErrorBody } from './read-vertex-error-body.js';
import { fromVertexEmbeddingResponse, toVertexEmbeddingRequest } from './vertex-embeddings.js';
import { runsInEuRegion, vertexModelUrl, vertexTarget, type VertexTarget } from './vertex-target.js';

/** Claude on Vertex: https://docs.anthropic.com/en/api/claude-on-vertex-ai */
const anthropicVertexVersion = 'vertex-2023-10-16';

/**
 * Google Cloud's Vertex AI: Gemini models through Google's publisher endpoint
 * (streamGenerateContent, Gemini's own format) and Claude models through Anthropic's
 * (streamRawPredict, Anthropic's Messages format without `model`), each translated by its
 * provider's functions; embeddings through `:predict`. Calls carry an OAuth access token of the configured service account.
 */
export function vertexProvider(id = 'vertex'): ChatProvider {
  const tokens = new AccessTokens(id);

  /** One POST to the model's `method`; a 401 (a revoked or expired token) buys a new token and is tried once more. */
  const send = async (call: ProviderCall, target: VertexTarget, method: string, body: Record<string, unknown>): Promise<HttpResponse> => {
    const { serviceAccount, baseUrl } = call.credentials;
    const project = call.credentials.project ?? serviceAccount?.project_id;
    if (!serviceAccount || !project) {
      throw new GatewayError(503, 'provider_not_configured', `Provider "${id}" has no service account${serviceAccount ? ' project' : ''} configured.`, { param: 'model' });
    }
    const request = (token: string) => ({
      url: `${vertexModelUrl(target, project, baseUrl)}:${method}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const token = await tokens.get(serviceAccount, call);
    try {
      return await callUpstream(id, request(token), call, readVertexErrorBody);
    } catch (error) {
      if (!(error instanceof ProviderError) || error.status !== 401) throw error;
      await tokens.forget(serviceAccount, token);
      return callUpstream(id, request(await tokens.get(serviceAccount, call)), call, readVertexErrorBody);
    }
  };

  return {
    id,
    runsInEu: (model, credentials) => runsInEuRegion(vertexTarget(model, credentials.region).region),
    async embed(request, call) {
      const target = vertexTarget(call.model, call.credentials.region);
      const answers = await Promise.all(
        textInputs(request, id).map(async (text) => fromVertexEmbeddingResponse(await readJson(id, await send(call, target, 'predict', toVertexEmbeddingRequest(text, request.dimensions))))),
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
        const { model: _named, ...rest } = body;
        const response = await send(call, target, 'streamRawPredict', { ...rest, anthropic_version: anthropicVertexVersion });
        return anthropicEventsToChunks(id, upstreamEvents(id, response), translation, created);
      }
      const response = await send(call, target, 'streamGenerateContent?alt=sse', toGeminiRequest(request));
      return geminiEventsToChunks(id, upstreamEvents(id, response), call.model, `chatcmpl-${randomUUID()}`, created);
    },
  };
}
