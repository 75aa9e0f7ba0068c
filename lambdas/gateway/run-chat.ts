import { GatewayError } from '../core/errors.js';
import { parseModelId } from '../core/providers/model-id.js';
import type { ChatProvider, ProviderCall } from '../core/providers/provider.js';
import { chatProviderFor } from '../core/providers/registry.js';
import type { LatencyMode } from '../core/routing/latency-stats.js';
import { runAttempts, type RunContext, type RunOutcome } from '../core/routing/run-attempts.js';
import type { ChatCompletionRequest } from '../core/schemas/openai-chat-request.js';
import type { ChatCompletion, ChatCompletionChunk } from '../core/schemas/openai-chat-response.js';
import type { GatewayDeps } from './gateway-config.js';
import { settlesWithin, withKeepAlive, type StreamItem } from './keep-alive.js';
import { planRoute, type Route } from './plan-route.js';

/** A served chat request, before it is encoded in the caller's API (OpenAI or Anthropic). */
export type ChatOutcome =
  | { kind: 'complete'; completion: ChatCompletion; headers: Record<string, string> }
  | { kind: 'stream'; items: AsyncIterable<StreamItem>; cancel: () => void; headers: Record<string, string> };

interface OpenedStream {
  iterator: AsyncIterator<ChatCompletionChunk>;
  first: Promise<IteratorResult<ChatCompletionChunk>>;
  abort: AbortController;
}

/**
 * Routes a chat request (a model or a policy) and runs its attempts. The response headers say
 * which model answered, after how many attempts, under which policy.
 */
export async function runChat(
  body: ChatCompletionRequest,
  apiKeyId: string,
  requestId: string,
  deps: GatewayDeps,
): Promise<ChatOutcome> {
  const mode: LatencyMode = body.stream ? 'stream' : 'complete';
  const route = await planRoute(body.model, apiKeyId, body.requesty?.trace_id ?? requestId, mode, deps);
  const context = runContext(deps, mode);
  const described = (outcome: RunOutcome<unknown>) => ({
    'x-request-id': requestId,
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
    return { kind: 'complete', completion: outcome.value, headers: described(outcome) };
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
    kind: 'stream',
    items: withKeepAlive(iterator, first, deps.limits.keepAliveMs),
    cancel: () => abort.abort(),
    headers: described(outcome),
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
      converse: deps.converse,
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
