import { randomUUID } from 'node:crypto';
import { malformedResponse } from '../upstream-error.js';
import type { ChatProvider } from '../provider.js';
import { bedrockModel, runsInEuOnBedrock } from './bedrock-model.js';
import { fallbackRegion, limitsOf, mapStreamErrors, runtimeFor } from './bedrock-call.js';
import { bedrockNativeCalls } from './bedrock-native-calls.js';
import { titanEmbeddingSchema } from './bedrock-wire.js';
import { embeddingsList } from '../../schemas/openai-embeddings.js';
import { textInputs } from '../embedding-inputs.js';
import { converseEventsToChunks } from './converse-events-to-chunks.js';
import { mapBedrockError } from './map-bedrock-error.js';
import { cachesOnBedrock, withCachePoints } from './cache-points.js';
import { toConverseRequest } from './to-converse-request.js';

/**
 * AWS Bedrock in the region the model id names: chat through the ConverseStream API (the gateway
 * assembles JSON answers itself), embeddings through InvokeModel, and /v1/messages to Claude
 * natively, through InvokeModelWithResponseStream.
 */
export function bedrockProvider(id = 'bedrock'): ChatProvider {
  return {
    id,
    runsInEu: (model, credentials) => runsInEuOnBedrock(bedrockModel(model, credentials.region ?? fallbackRegion)),
    // Titan Text Embeddings: one InvokeModel call per input
    // (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html).
    async embed(request, call) {
      const { runtime, target } = runtimeFor(call);
      const results = await Promise.all(
        textInputs(request, id).map((inputText) =>
          runtime
            .invokeModel({
              region: target.region,
              modelId: target.modelId,
              body: { inputText, ...(request.dimensions ? { dimensions: request.dimensions } : {}) },
              ...limitsOf(call),
            })
            .catch((error: unknown) => Promise.reject(mapBedrockError(id, error))),
        ),
      );
      const parsed = results.map((result) => titanEmbeddingSchema.safeParse(result));
      if (!parsed.every((result) => result.success)) throw malformedResponse(id);
      const vectors = parsed.map((result) => result.data?.embedding ?? []);
      const tokens = parsed.reduce((sum, result) => sum + (result.data?.inputTextTokenCount ?? 0), 0);
      return embeddingsList(vectors, call.model, tokens, request.encoding_format);
    },
    async stream(request, call) {
      const { runtime, target } = runtimeFor(call);
      const { input, translation } = toConverseRequest(request);
      const events = await runtime
        .converseStream({
          region: target.region,
          input: { ...(request.requesty?.auto_cache === true && cachesOnBedrock(target.modelId) ? withCachePoints(input) : input), modelId: target.modelId },
          ...limitsOf(call),
          ...(call.signal ? { signal: call.signal } : {}),
        })
        .catch((error: unknown) => Promise.reject(mapBedrockError(id, error)));
      const created = Math.floor(call.clock.now() / 1000);
      return mapStreamErrors(id, converseEventsToChunks(id, events, translation, call.model, `chatcmpl-${randomUUID()}`, created));
    },
    anthropicProtocol: bedrockNativeCalls(id),
  };
}
