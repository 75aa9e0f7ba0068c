import { GatewayError } from '../core/errors.js';
import { parseModelId } from '../core/providers/model-id.js';
import type { ChatProvider, ProviderCall } from '../core/providers/provider.js';
import { chatProviderFor } from '../core/providers/registry.js';
import { runAttempts, type RunContext, type RunOutcome } from '../core/routing/run-attempts.js';
import type { LatencyMode } from '../core/routing/latency-stats.js';
import { chatCompletionRequestSchema } from '../core/schemas/openai-chat-request.js';
import type { ChatCompletionChunk } from '../core/schemas/openai-chat-response.js';
import { encodeOpenAIStream } from './encode-openai-stream.js';
import { knownSecrets, type GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { settlesWithin, withKeepAlive } from './keep-alive.js';
import { parseBody } from './parse-body.js';
import { planRoute, type Route } from './plan-route.js';
import { presentedKey } from './presented-key.js';

export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

interface OpenedStream {
  iterator: AsyncIterator<ChatCompletionChunk>;
  first: Promise<IteratorResult<ChatCompletionChunk>>;
  abort: AbortController;
}

/** POST /v1/chat/completions */
export async function chatCompletions(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  const key = await deps.authenticator.authenticate(presentedKey(request.headers));
  const body = parseBody(request.body, chatCompletionRequestSchema);
  const mode: LatencyMode = body.stream ? 'stream' : 'complete';
  const route = await planRoute(body.model, key.id, body.requesty?.trace_id ?? request.requestId, mode, deps);
  const context = runContext(deps, mode);
  const described = (outcome: RunOutcome<unknown>) => ({
    'x-request-id': request.requestId,
    'x-switchboard-model': outcome.model,
    'x-switchboard-attempts': String(outcome.attempts),
    ...(route.policy ? { 'x-switchboard-policy': route.policy } : {}),
  });

  if (!body.stream) {
    const outcome = await runAttempts(
      route.attempts,
      async (model, remainingMs) => {
        const { provider, call } = prepareCall(model, remainingMs, deps);
        return { value: await provider.complete(body, call), firstByteAt: deps.clock.now() };
      },
      context,
    ).catch(rethrowFor(route));
    return jsonResponse(200, outcome.value, described(outcome));
  }

  // Failover stays possible until the first chunk (or the first keep-alive) is committed.
  const outcome = await runAttempts<OpenedStream>(
    route.attempts,
    async (model, remainingMs) => {
      const abort = new AbortController();
      try {
        const { provider, call } = prepareCall(model, remainingMs, deps);
        const chunks = await provider.stream(body, { ...call, signal: abort.signal });
        const iterator = chunks[Symbol.asyncIterator]();
        const first = iterator.next();
        await settlesWithin(first, deps.limits.keepAliveMs);
        return { value: { iterator, first, abort }, firstByteAt: deps.clock.now() };
      } catch (error) {
        abort.abort();
        throw error;
      }
    },
    context,
  ).catch(rethrowFor(route));
  const { iterator, first, abort } = outcome.value;
  return {
    status: 200,
    headers: { ...sseHeaders, ...described(outcome) },
    body: encodeOpenAIStream(withKeepAlive(iterator, first, deps.limits.keepAliveMs), {
      includeUsage: body.stream_options?.include_usage === true,
      knownSecrets: knownSecrets(deps),
    }),
    cancel: () => abort.abort(),
  };
}

function prepareCall(modelId: string, remainingMs: number, deps: GatewayDeps): { provider: ChatProvider; call: ProviderCall } {
  const { provider: providerId, model } = parseModelId(modelId);
  return {
    provider: chatProviderFor(providerId, modelId),
    call: {
      model,
      credentials: deps.credentials[providerId] ?? {},
      http: deps.http,
      clock: deps.clock,
      firstByteTimeoutMs: Math.max(1, Math.min(deps.limits.firstByteTimeoutMs, remainingMs)),
      idleTimeoutMs: deps.limits.idleTimeoutMs,
    },
  };
}

function runContext(deps: GatewayDeps, mode: LatencyMode): RunContext {
  return {
    state: deps.routing,
    clock: deps.clock,
    sleep: deps.sleep,
    random: deps.random,
    mode,
    deadlineAt: deps.clock.now() + deps.limits.deadlineMs,
  };
}

/** The last attempt's error goes to the client, saying which policy was tried. */
function rethrowFor(route: Route): (error: unknown) => never {
  return (error) => {
    if (error instanceof GatewayError && route.policy) error.headers['x-switchboard-policy'] = route.policy;
    throw error;
  };
}
