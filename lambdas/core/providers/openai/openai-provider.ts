import { chatCompletionSchema } from '../../schemas/openai-chat-response.js';
import { parseSse } from '../../sse/parse-sse.js';
import { callUpstream, malformedResponse, readJson, upstreamBody } from '../call-upstream.js';
import type { ChatProvider, ProviderCall } from '../provider.js';
import { mapOpenAIError } from './map-openai-error.js';
import { openAIStreamChunks } from './openai-stream-chunks.js';
import { toOpenAIRequest } from './to-openai-request.js';

export const defaultOpenAIBaseUrl = 'https://api.openai.com/v1';

/** Any host that speaks OpenAI's chat completions API; `id` names it in model ids and errors. */
export function openAICompatibleProvider(id: string, defaultBaseUrl = defaultOpenAIBaseUrl): ChatProvider {
  const send = (call: ProviderCall, stream: boolean, body: string) =>
    callUpstream(
      id,
      {
        url: `${(call.credentials.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '')}/chat/completions`,
        headers: {
          'content-type': 'application/json',
          accept: stream ? 'text/event-stream' : 'application/json',
          ...(call.credentials.apiKey ? { authorization: `Bearer ${call.credentials.apiKey}` } : {}),
        },
        body,
      },
      call,
      (status, headers, text) => mapOpenAIError(id, status, headers, text, call.clock.now()),
    );

  return {
    id,
    // OpenAI's EU data residency endpoint; other hosts are assumed to run outside the EU.
    runsInEu: (_model, credentials) => new URL(credentials.baseUrl ?? defaultBaseUrl).hostname === 'eu.api.openai.com',
    async complete(request, call) {
      const response = await send(call, false, toOpenAIRequest(request, call.model, false));
      const completion = chatCompletionSchema.safeParse(await readJson(id, response));
      if (!completion.success) throw malformedResponse(id);
      return completion.data;
    },
    async stream(request, call) {
      const response = await send(call, true, toOpenAIRequest(request, call.model, true));
      return openAIStreamChunks(id, parseSse(upstreamBody(id, response)));
    },
  };
}
