import { safeJson } from '../safe-json.js';
import type { AnthropicProtocol } from '../provider.js';
import { readJson, upstreamEvents } from '../read-upstream-body.js';
import type { VertexSend } from './vertex-caller.js';
import { vertexTarget } from './vertex-target.js';

/** Claude on Vertex: https://docs.anthropic.com/en/api/claude-on-vertex-ai */
export const anthropicVertexVersion = 'vertex-2023-10-16';

/**
 * A Messages body as Vertex takes it: the model is in the URL, not the body, and
 * `anthropic_version` names Vertex's API version (as anthropic-sdk-typescript's vertex-sdk does).
 */
export function toVertexAnthropicBody(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { model: _inUrl, ...rest } = body;
  return { ...rest, anthropic_version: anthropicVertexVersion };
}

/** /v1/messages and count_tokens passed through to Claude on Vertex, the client's body otherwise as it came. */
export function vertexAnthropicCalls(id: string, send: VertexSend): AnthropicProtocol {
  return {
    async streamMessages(body, headers, call) {
      const target = vertexTarget(call.model, call.credentials.region);
      // The gateway always streams, to notice a hung or thinking provider in time and fail over.
      const upstream = JSON.stringify({ ...toVertexAnthropicBody(body), stream: true });
      const response = await send(call, target, 'streamRawPredict', upstream, { ...headers, accept: 'text/event-stream' });
      return upstreamEvents(id, response);
    },
    // count-tokens is a model of its own on Vertex; the body names the model counted for.
    async countTokens(body, headers, call) {
      const target = vertexTarget(call.model, call.credentials.region);
      const counted = { ...objectOf(body), model: target.model, anthropic_version: anthropicVertexVersion };
      const response = await send(call, { ...target, model: 'count-tokens' }, 'rawPredict', JSON.stringify(counted), { ...headers, accept: 'application/json' });
      return readJson(id, response);
    },
  };
}

/** The gateway built these bodies from a validated request: always a JSON object. */
function objectOf(body: string): Record<string, unknown> {
  const parsed = safeJson(body);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}
