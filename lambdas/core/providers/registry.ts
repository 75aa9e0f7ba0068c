import { GatewayError } from '../errors.js';
import { anthropicProvider } from './anthropic/anthropic-provider.js';
import { bedrockProvider } from './bedrock/bedrock-provider.js';
import { geminiProvider } from './google/gemini-provider.js';
import { mockProvider } from './mock/mock-provider.js';
import { openAICompatiblePresets } from './openai/openai-compatible-presets.js';
import { openAICompatibleProvider } from './openai/openai-provider.js';
import type { ChatProvider } from './provider.js';
import { vertexProvider } from './vertex/vertex-provider.js';

/** Adding a provider is one folder and one line here. */
export const chatProviders: Readonly<Record<string, ChatProvider>> = {
  ...Object.fromEntries(openAICompatiblePresets.map((preset) => [preset.id, openAICompatibleProvider(preset)])),
  anthropic: anthropicProvider('anthropic'),
  google: geminiProvider('google'),
  bedrock: bedrockProvider('bedrock'),
  vertex: vertexProvider('vertex'),
  mock: mockProvider,
};

export function findChatProvider(providerId: string): ChatProvider | undefined {
  return Object.hasOwn(chatProviders, providerId) ? chatProviders[providerId] : undefined;
}

export function chatProviderFor(providerId: string, fullModelId: string): ChatProvider {
  const provider = findChatProvider(providerId);
  if (!provider) {
    throw new GatewayError(
      404,
      'model_not_found',
      `Model "${fullModelId}": unknown provider "${providerId}". Known providers: ${Object.keys(chatProviders).join(', ')}.`,
      { param: 'model', type: 'invalid_request_error' },
    );
  }
  return provider;
}
