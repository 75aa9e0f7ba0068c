import { parseModelId } from '../core/providers/model-id.js';
import type { ProviderCall } from '../core/providers/provider.js';
import { chatProviderFor } from '../core/providers/registry.js';
import { chatCompletionRequestSchema } from '../core/schemas/openai-chat-request.js';
import { encodeOpenAIStream } from './encode-openai-stream.js';
import { knownSecrets, type GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { parseBody } from './parse-body.js';
import { presentedKey } from './presented-key.js';

export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/** POST /v1/chat/completions */
export async function chatCompletions(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  await deps.authenticator.authenticate(presentedKey(request.headers));
  const body = parseBody(request.body, chatCompletionRequestSchema);
  const { provider: providerId, model } = parseModelId(body.model);
  const provider = chatProviderFor(providerId, body.model);

  const call: ProviderCall = {
    model,
    credentials: deps.credentials[providerId] ?? {},
    http: deps.http,
    clock: deps.clock,
    firstByteTimeoutMs: deps.limits.firstByteTimeoutMs,
    idleTimeoutMs: deps.limits.idleTimeoutMs,
  };
  const headers = { 'x-request-id': request.requestId, 'x-switchboard-model': body.model };

  // A buffered response cannot learn that its client left (Lambda tells a handler nothing until
  // it writes), so only streams carry a signal; that also spares the hot path its cost.
  if (!body.stream) {
    return jsonResponse(200, await provider.complete(body, call), headers);
  }
  const abort = new AbortController();
  const chunks = await provider.stream(body, { ...call, signal: abort.signal });
  return {
    status: 200,
    headers: { ...sseHeaders, ...headers },
    body: encodeOpenAIStream(chunks, {
      includeUsage: body.stream_options?.include_usage === true,
      knownSecrets: knownSecrets(deps),
    }),
    cancel: () => abort.abort(),
  };
}
