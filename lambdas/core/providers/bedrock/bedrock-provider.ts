import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors.js';
import type { ConverseApi } from '../../../ports/converse-api.js';
import { malformedResponse } from '../call-upstream.js';
import type { ChatProvider, ProviderCall } from '../provider.js';
import { bedrockModel } from './bedrock-model.js';
import { converseResponseSchema } from './bedrock-wire.js';
import { converseEventsToChunks } from './converse-events-to-chunks.js';
import { fromConverseResponse } from './from-converse-response.js';
import { mapBedrockError } from './map-bedrock-error.js';
import { toConverseRequest } from './to-converse-request.js';

/** AWS Bedrock through the Converse and ConverseStream APIs, in the region the model id names. */
export function bedrockProvider(id = 'bedrock'): ChatProvider {
  const prepare = (request: Parameters<ChatProvider['complete']>[0], call: ProviderCall) => {
    const converse = call.converse;
    if (!converse) throw new GatewayError(503, 'provider_not_configured', 'Bedrock is not configured on this gateway.');
    const target = bedrockModel(call.model, call.credentials.region ?? 'us-east-1');
    const { input, translation } = toConverseRequest(request);
    return { converse: converse satisfies ConverseApi, target, translation, input: { ...input, modelId: target.modelId } };
  };
  const created = (call: ProviderCall) => Math.floor(call.clock.now() / 1000);

  return {
    id,
    runsInEu: (model, credentials) => bedrockModel(model, credentials.region ?? 'us-east-1').region.startsWith('eu-'),
    async complete(request, call) {
      const { converse, target, translation, input } = prepare(request, call);
      const raw = await converse
        .converse({ region: target.region, input, firstByteTimeoutMs: call.firstByteTimeoutMs })
        .catch((error: unknown) => Promise.reject(mapBedrockError(id, error)));
      const response = converseResponseSchema.safeParse(raw);
      if (!response.success) throw malformedResponse(id);
      return fromConverseResponse(response.data, translation, call.model, `chatcmpl-${randomUUID()}`, created(call));
    },
    async stream(request, call) {
      const { converse, target, translation, input } = prepare(request, call);
      const events = await converse
        .converseStream({ region: target.region, input, firstByteTimeoutMs: call.firstByteTimeoutMs, ...(call.signal ? { signal: call.signal } : {}) })
        .catch((error: unknown) => Promise.reject(mapBedrockError(id, error)));
      return mapStreamErrors(id, converseEventsToChunks(id, events, translation, call.model, `chatcmpl-${randomUUID()}`, created(call)));
    },
  };
}

async function* mapStreamErrors<T>(provider: string, source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    throw mapBedrockError(provider, error);
  }
}
