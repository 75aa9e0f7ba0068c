import type { AnthropicProtocol, ChatProvider, OpenAIChatProtocol } from './provider.js';

/** How `model` of `provider` is reached natively by /v1/messages; undefined when it must be translated. */
export function anthropicProtocolFor(provider: ChatProvider, model: string): AnthropicProtocol | undefined {
  const native = provider.anthropicProtocol;
  return native && (native.speaks?.(model) ?? true) ? native : undefined;
}

/** How `model` of `provider` is reached natively by /v1/chat/completions; undefined when it must be translated. */
export function openAIChatProtocolFor(provider: ChatProvider): OpenAIChatProtocol | undefined {
  return provider.openAIChatProtocol;
}
