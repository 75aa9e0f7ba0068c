import type { AnthropicProtocol } from '../provider.js';
import { fallbackRegion, limitsOf, mapStreamErrors, runtimeFor } from './bedrock-call.js';
import { bedrockChunksToEvents } from './bedrock-chunks-to-events.js';
import { bedrockModel, isClaudeOnBedrock } from './bedrock-model.js';
import { mapBedrockError } from './map-bedrock-error.js';
import { toBedrockMessagesBody } from './to-bedrock-messages-body.js';

/**
 * Claude on Bedrock spoken to in Anthropic's own format: the client's Messages body through
 * InvokeModelWithResponseStream, its chunks back as Anthropic's events; count_tokens through
 * Bedrock's CountTokens of the same body, answered as Anthropic answers it.
 */
export function bedrockNativeCalls(id: string): AnthropicProtocol {
  return {
    speaks: (model) => isClaudeOnBedrock(bedrockModel(model, fallbackRegion).modelId),
    async streamMessages(body, headers, call) {
      const { runtime, target } = runtimeFor(call);
      const chunks = await runtime
        .invokeModelStream({
          region: target.region,
          modelId: target.modelId,
          body: toBedrockMessagesBody(body, headers),
          ...limitsOf(call),
          ...(call.signal ? { signal: call.signal } : {}),
        })
        .catch((error: unknown) => Promise.reject(mapBedrockError(id, error)));
      return bedrockChunksToEvents(mapStreamErrors(id, chunks));
    },
    async countTokens(body, headers, call) {
      const { runtime, target } = runtimeFor(call);
      const request = JSON.parse(body) as Record<string, unknown>;
      // InvokeModel requires max_tokens, which a count_tokens request has no need of.
      const counted = await runtime
        .countTokens({
          region: target.region,
          modelId: target.modelId,
          body: toBedrockMessagesBody({ max_tokens: 1, ...request }, headers),
          ...limitsOf(call),
          ...(call.signal ? { signal: call.signal } : {}),
        })
        .catch((error: unknown) => Promise.reject(mapBedrockError(id, error)));
      return { input_tokens: counted };
    },
  };
}
