import { callUpstream } from '../call-upstream.js';
import { readJson, upstreamEvents } from '../read-upstream-body.js';
import { malformedResponse } from '../upstream-error.js';
import type { ChatProvider, ProviderCall } from '../provider.js';
import { anthropicEventsToChunks } from './anthropic-events-to-chunks.js';
import { anthropicMessageSchema } from './anthropic-wire.js';
import { fromAnthropicResponse } from './from-anthropic-response.js';
import { readAnthropicErrorBody } from './read-anthropic-error-body.js';
import { toAnthropicRequest } from './to-anthropic-request.js';

const defaultBaseUrl = 'https://api.anthropic.com';
const apiVersion = '2023-06-01';

/** Anthropic's Messages API, spoken to in its own format and translated both ways. */
export function anthropicProvider(id = 'anthropic'): ChatProvider {
  const send = (call: ProviderCall, stream: boolean, body: Record<string, unknown>) =>
    callUpstream(
      id,
      {
        url: `${(call.credentials.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '')}/v1/messages`,
        headers: {
          'content-type': 'application/json',
          accept: stream ? 'text/event-stream' : 'application/json',
          'anthropic-version': apiVersion,
          ...(call.credentials.apiKey ? { 'x-api-key': call.credentials.apiKey } : {}),
        },
        body: JSON.stringify(body),
      },
      call,
      readAnthropicErrorBody,
    );
  const created = (call: ProviderCall) => Math.floor(call.clock.now() / 1000);

  return {
    id,
    // Anthropic's API serves from the US; EU inference goes through Bedrock in an EU region.
    runsInEu: () => false,
    async complete(request, call) {
      const { body, translation } = toAnthropicRequest(request, call.model, false);
      const message = anthropicMessageSchema.safeParse(await readJson(id, await send(call, false, body)));
      if (!message.success) throw malformedResponse(id);
      return fromAnthropicResponse(message.data, translation, created(call));
    },
    async stream(request, call) {
      const { body, translation } = toAnthropicRequest(request, call.model, true);
      const response = await send(call, true, body);
      return anthropicEventsToChunks(id, upstreamEvents(id, response), translation, created(call));
    },
  };
}
