import { callUpstream } from '../call-upstream.js';
import { upstreamEvents } from '../read-upstream-body.js';
import { missingApiKey } from '../missing-api-key.js';
import type { ChatProvider } from '../provider.js';
import { anthropicNativeCalls } from './anthropic-native-calls.js';
import { anthropicEventsToChunks } from './anthropic-events-to-chunks.js';
import { readAnthropicErrorBody } from './read-anthropic-error-body.js';
import { toAnthropicRequest } from './to-anthropic-request.js';

const defaultBaseUrl = 'https://api.anthropic.com';
const apiVersion = '2023-06-01';

/** Anthropic's Messages API, spoken to in its own format and translated both ways. */
export function anthropicProvider(id = 'anthropic'): ChatProvider {
  return {
    id,
    // Anthropic's API serves from the US; EU inference goes through Bedrock in an EU region.
    runsInEu: () => false,
    missingCredentials: missingApiKey,
    async stream(request, call) {
      const { body, translation } = toAnthropicRequest(request, call.model);
      const response = await callUpstream(
        id,
        {
          url: `${(call.credentials.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '')}/v1/messages`,
          headers: {
            'content-type': 'application/json',
            accept: 'text/event-stream',
            'anthropic-version': apiVersion,
            ...(call.credentials.apiKey ? { 'x-api-key': call.credentials.apiKey } : {}),
          },
          body: JSON.stringify(body),
        },
        call,
        readAnthropicErrorBody,
      );
      return anthropicEventsToChunks(id, upstreamEvents(id, response), translation, Math.floor(call.clock.now() / 1000));
    },
    anthropicProtocol: anthropicNativeCalls(id),
  };
}
