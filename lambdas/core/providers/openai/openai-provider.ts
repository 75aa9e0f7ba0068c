import { embeddingsResponseSchema } from '../../schemas/openai-embeddings.js';
import { callUpstream } from '../call-upstream.js';
import { readJson, upstreamEvents } from '../read-upstream-body.js';
import { malformedResponse } from '../upstream-error.js';
import { GatewayError } from '../../errors.js';
import type { ChatProvider, ProviderCall } from '../provider.js';
import { readOpenAIErrorBody } from './read-openai-error-body.js';
import { openAIStreamChunks } from './openai-stream-chunks.js';
import { defaultAzureApiVersion, type OpenAICompatiblePreset } from './openai-compatible-presets.js';
import { toOpenAIRequest } from './to-openai-request.js';

/** Any host that speaks OpenAI's chat completions API, configured by a preset. */
export function openAICompatibleProvider(preset: OpenAICompatiblePreset): ChatProvider {
  const { id } = preset;
  const send = (call: ProviderCall, operation: Operation, body: string) =>
    callUpstream(
      id,
      {
        url: operationUrl(preset, call, operation),
        headers: {
          'content-type': 'application/json',
          // Chat is always streamed (the gateway assembles JSON answers); embeddings come whole.
          accept: operation === 'chat/completions' ? 'text/event-stream' : 'application/json',
          ...authHeaders(preset, call.credentials.apiKey),
        },
        body,
      },
      call,
      readOpenAIErrorBody,
    );

  return {
    id,
    runsInEu: (_model, credentials) => {
      const baseUrl = credentials.baseUrl ?? preset.defaultBaseUrl;
      return baseUrl !== undefined && preset.euHosts.includes(new URL(baseUrl).hostname);
    },
    async embed(request, call) {
      const { requesty: _requesty, ...body } = request;
      const response = await send(call, 'embeddings', JSON.stringify({ ...body, model: call.model }));
      const embeddings = embeddingsResponseSchema.safeParse(await readJson(id, response));
      if (!embeddings.success) throw malformedResponse(id);
      return embeddings.data;
    },
    async stream(request, call) {
      const response = await send(call, 'chat/completions', toOpenAIRequest(request, call.model));
      return openAIStreamChunks(id, upstreamEvents(id, response));
    },
  };
}

type Operation = 'chat/completions' | 'embeddings';

function operationUrl(preset: OpenAICompatiblePreset, call: ProviderCall, operation: Operation): string {
  const baseUrl = call.credentials.baseUrl ?? preset.defaultBaseUrl;
  if (!baseUrl) {
    throw new GatewayError(503, 'provider_not_configured', `Provider "${preset.id}" has no endpoint configured.`, {
      param: 'model',
    });
  }
  const base = baseUrl.replace(/\/+$/, '');
  if (!preset.deploymentPaths) return `${base}/${operation}`;
  // https://learn.microsoft.com/azure/ai-services/openai/reference#chat-completions
  const version = encodeURIComponent(call.credentials.apiVersion ?? defaultAzureApiVersion);
  return `${base}/openai/deployments/${encodeURIComponent(call.model)}/${operation}?api-version=${version}`;
}

function authHeaders(preset: OpenAICompatiblePreset, apiKey: string | undefined): Record<string, string> {
  if (!apiKey) return {};
  return preset.auth === 'api-key' ? { 'api-key': apiKey } : { authorization: `Bearer ${apiKey}` };
}
