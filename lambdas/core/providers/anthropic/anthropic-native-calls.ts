import { callUpstream } from '../call-upstream.js';
import type { AnthropicProtocol, ProviderCall } from '../provider.js';
import { readJson, upstreamEvents } from '../read-upstream-body.js';
import { readAnthropicErrorBody } from './read-anthropic-error-body.js';

const defaultBaseUrl = 'https://api.anthropic.com';
export const anthropicApiVersion = '2023-06-01';

/**
 * Anthropic's own endpoints with the client's body as it is: what Claude Code and the Anthropic
 * SDK send reaches Anthropic unchanged (thinking signatures, cache_control, server tools, betas).
 */
export function anthropicNativeCalls(id: string): AnthropicProtocol {
  return {
    async streamMessages(body, headers, call) {
      // The gateway always streams, to notice a hung or thinking provider in time and fail over.
      const upstream = JSON.stringify({ ...body, model: call.model, stream: true });
      const response = await callUpstream(id, upstreamRequest('/v1/messages', upstream, headers, call, 'text/event-stream'), call, readAnthropicErrorBody);
      return upstreamEvents(id, response);
    },
    async countTokens(body, headers, call) {
      const response = await callUpstream(id, upstreamRequest('/v1/messages/count_tokens', body, headers, call, 'application/json'), call, readAnthropicErrorBody);
      return readJson(id, response);
    },
  };
}

function upstreamRequest(path: string, body: string, headers: Readonly<Record<string, string>>, call: ProviderCall, accept: string) {
  return {
    url: `${(call.credentials.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '')}${path}`,
    headers: {
      'content-type': 'application/json',
      accept,
      'anthropic-version': anthropicApiVersion,
      ...headers,
      ...(call.credentials.apiKey ? { 'x-api-key': call.credentials.apiKey } : {}),
    },
    body,
  };
}
