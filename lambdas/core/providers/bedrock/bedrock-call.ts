import { GatewayError } from '../../errors.js';
import type { BedrockCallLimits, BedrockRuntime } from '../../../ports/bedrock-runtime.js';
import type { ProviderCall } from '../provider.js';
import { bedrockModel, type BedrockModel } from './bedrock-model.js';
import { mapBedrockError } from './map-bedrock-error.js';

/** Where models run when neither the model id nor the gateway names a region. */
export const fallbackRegion = 'us-east-1';

/** The Bedrock runtime the gateway injected, and the region and model id the call targets. */
export function runtimeFor(call: ProviderCall): { runtime: BedrockRuntime; target: BedrockModel } {
  if (!call.bedrock) throw new GatewayError(503, 'provider_not_configured', 'Bedrock is not configured on this gateway.');
  return { runtime: call.bedrock, target: bedrockModel(call.model, call.credentials.region ?? fallbackRegion) };
}

export function limitsOf(call: ProviderCall): BedrockCallLimits {
  return { headersTimeoutMs: call.headersTimeoutMs, idleTimeoutMs: call.idleTimeoutMs, deadlineAt: call.deadlineAt };
}

/** A Bedrock stream whose failures (exceptions, unreadable frames, transport) are the provider errors routing acts on. */
export async function* mapStreamErrors<T>(provider: string, source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    throw mapBedrockError(provider, error);
  }
}
