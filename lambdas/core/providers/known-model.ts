import { parseModelId } from './model-id.js';
import type { ChatProvider } from './provider.js';

/**
 * Why a model id names nothing this gateway can call; undefined when it names something.
 * With `wildcard`, `provider/*` names every model of a provider.
 */
export function unknownModelReason(
  modelId: string,
  providers: Readonly<Record<string, ChatProvider>>,
  { wildcard }: { wildcard: boolean },
): string | undefined {
  const slash = modelId.indexOf('/');
  if (slash <= 0 || slash === modelId.length - 1) return `${modelId}: not of the form "provider/model".`;
  const { provider, model } = parseModelId(modelId);
  const adapter = Object.hasOwn(providers, provider) ? providers[provider] : undefined;
  if (!adapter) return `${modelId}: unknown provider "${provider}".`;
  if (wildcard && model === '*') return undefined;
  if (adapter.knowsModel && !adapter.knowsModel(model)) return `${modelId}: unknown model.`;
  return undefined;
}
