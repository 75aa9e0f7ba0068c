import { embeddingsResponseSchema } from '../../schemas/openai-embeddings.js';
import { callUpstream } from '../call-upstream.js';
import { imagesResponseSchema } from '../../schemas/openai-images.js';
import { readBodyText, readJson, upstreamEvents } from '../read-upstream-body.js';
import { malformedResponse, oversizedResponse, transportError } from '../upstream-error.js';
import { maxResponseBytes } from '../upstream-limits.js';
import { transcriptionForm } from './transcription-form.js';
import { GatewayError } from '../../errors.js';
import { missingApiKey } from '../missing-api-key.js';
import type { ChatProvider, ProviderCall, ProviderCredentials, ResponsesProtocol } from '../provider.js';
import { readOpenAIErrorBody } from './read-openai-error-body.js';
import { openAIStreamChunks } from './openai-stream-chunks.js';
import { defaultAzureApiVersion, type OpenAICompatiblePreset } from './openai-compatible-presets.js';
import { readChatCompletion } from './read-chat-completion.js';
import { toOpenAIJsonRequest, toOpenAINativeRequest, toOpenAIRequest } from './to-openai-request.js';

/** Any host that speaks OpenAI's chat completions API, configured by a preset. */
export function openAICompatibleProvider(preset: OpenAICompatiblePreset): ChatProvider {
  const { id } = preset;
  const send = (call: ProviderCall, operation: Operation, body: string | { bytes: Uint8Array; contentType: string }, accept = acceptFor(operation)) =>
    callUpstream(
      id,
      {
        url: operationUrl(preset, call, operation),
        headers: {
          'content-type': typeof body === 'string' ? 'application/json' : body.contentType,
          accept,
          ...authHeaders(preset, call.credentials.apiKey),
        },
        body: typeof body === 'string' ? body : body.bytes,
      },
      call,
      readOpenAIErrorBody,
    );

  // https://platform.openai.com/docs/api-reference/responses/create
  const responsesProtocol: ResponsesProtocol = {
    async streamResponses(body, call) {
      // Always a stream, so a hung or thinking provider is noticed in time and failed over.
      const response = await send(call, 'responses', JSON.stringify({ ...body, model: call.model, stream: true }));
      return upstreamEvents(id, response);
    },
  };

  return {
    id,
    ...(preset.responsesPath ? { responsesProtocol } : {}),
    missingCredentials: (credentials) => missingCredentials(preset, credentials),
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
    // https://platform.openai.com/docs/api-reference/images/create
    async generateImages(request, call) {
      const { requesty: _requesty, ...body } = request;
      const images = imagesResponseSchema.safeParse(await readJson(id, await send(call, 'images/generations', JSON.stringify({ ...body, model: call.model }))));
      if (!images.success) throw malformedResponse(id);
      return images.data;
    },
    // https://platform.openai.com/docs/api-reference/audio/createTranscription
    async transcribe(request, call) {
      const response = await send(call, 'audio/transcriptions', await transcriptionForm(request, call.model));
      const text = await readBodyText(response.body, maxResponseBytes).catch((error: unknown) => {
        throw transportError(id, error);
      });
      if (text === undefined) throw oversizedResponse(id, 'response', maxResponseBytes);
      return { contentType: response.headers['content-type'] ?? 'application/json', body: text };
    },
    async stream(request, call) {
      const response = await send(call, 'chat/completions', toOpenAIRequest(request, call.model, preset));
      return openAIStreamChunks(id, upstreamEvents(id, response));
    },
    openAIChatProtocol: {
      async streamChat(body, call) {
        return upstreamEvents(id, await send(call, 'chat/completions', toOpenAINativeRequest(body, call.model, preset)));
      },
      async completeChat(body, call) {
        return readChatCompletion(id, await send(call, 'chat/completions', toOpenAIJsonRequest(body, call.model, preset), 'application/json'));
      },
    },
  };
}

type Operation = 'chat/completions' | 'embeddings' | 'images/generations' | 'audio/transcriptions' | 'responses';

/** Chat and responses are streamed (the gateway assembles JSON answers, unless told otherwise); the rest comes whole. */
function acceptFor(operation: Operation): string {
  if (operation === 'chat/completions' || operation === 'responses') return 'text/event-stream';
  return operation === 'audio/transcriptions' ? '*/*' : 'application/json';
}

function operationUrl(preset: OpenAICompatiblePreset, call: ProviderCall, operation: Operation): string {
  const baseUrl = call.credentials.baseUrl ?? preset.defaultBaseUrl;
  if (!baseUrl) {
    throw new GatewayError(503, 'provider_not_configured', `Provider "${preset.id}" has no endpoint configured.`, {
      param: 'model',
    });
  }
  const base = baseUrl.replace(/\/+$/, '');
  if (operation === 'responses') return `${base}/${preset.responsesPath ?? operation}`;
  if (!preset.deploymentPaths) return `${base}/${operation}`;
  // https://learn.microsoft.com/azure/ai-services/openai/reference#chat-completions
  const version = encodeURIComponent(call.credentials.apiVersion ?? defaultAzureApiVersion);
  return `${base}/openai/deployments/${encodeURIComponent(call.model)}/${operation}?api-version=${version}`;
}

function missingCredentials(preset: OpenAICompatiblePreset, credentials: ProviderCredentials): string | undefined {
  const endpoint = credentials.baseUrl || preset.defaultBaseUrl ? [] : ['an endpoint (base URL)'];
  // Azure's api-key header is its only way in, whatever the endpoint.
  const key = preset.auth === 'api-key' ? (credentials.apiKey ? undefined : 'an API key') : missingApiKey(credentials);
  const missing = [...endpoint, ...(key ? [key] : [])];
  return missing.length > 0 ? missing.join(' and ') : undefined;
}

function authHeaders(preset: OpenAICompatiblePreset, apiKey: string | undefined): Record<string, string> {
  if (!apiKey) return {};
  return preset.auth === 'api-key' ? { 'api-key': apiKey } : { authorization: `Bearer ${apiKey}` };
}
