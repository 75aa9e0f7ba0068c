import type { ChatCompletionRequest } from '../core/schemas/openai-chat-request.js';
import { catalogEntry } from '../core/catalog/model-catalog.js';
import { microsToDollars, requestCostMicros } from '../core/catalog/request-cost.js';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../core/schemas/openai-chat-response.js';
import type { GatewayDeps } from './gateway-config.js';
import { keepAlive, settlesWithin, withKeepAlive, type StreamItem } from './keep-alive.js';
import { runRouted } from './run-routed.js';

/** A served chat request, before it is encoded in the caller's API (OpenAI or Anthropic). */
export type ChatOutcome =
  | { kind: 'complete'; completion: ChatCompletion; headers: Record<string, string> }
  | { kind: 'stream'; items: AsyncIterable<StreamItem>; cancel: () => void; headers: Record<string, string> };

interface OpenedStream {
  iterator: AsyncIterator<ChatCompletionChunk>;
  first: Promise<IteratorResult<ChatCompletionChunk>>;
  abort: AbortController;
}

/** Routes a chat request (a model or a policy) and runs its attempts. */
export async function runChat(
  body: ChatCompletionRequest,
  apiKeyId: string,
  requestId: string,
  deps: GatewayDeps,
): Promise<ChatOutcome> {
  const stickiness = body.requesty?.trace_id ?? requestId;
  if (!body.stream) {
    const { value, headers } = await runRouted(body.model, apiKeyId, stickiness, requestId, 'complete', deps, async (provider, call) => ({
      value: await provider.complete(body, call),
      firstByteAt: deps.clock.now(),
    }));
    const cost = value.usage && costInDollars(headers['x-switchboard-model'], value.usage, deps);
    if (cost === undefined || !value.usage) return { kind: 'complete', completion: value, headers };
    return {
      kind: 'complete',
      completion: { ...value, usage: { ...value.usage, cost } },
      headers: { ...headers, 'x-switchboard-cost': cost.toFixed(6) },
    };
  }

  // Failover stays possible until the first chunk (or the first keep-alive) is committed.
  const { value, headers } = await runRouted<OpenedStream>(body.model, apiKeyId, stickiness, requestId, 'stream', deps, async (provider, call) => {
    const abort = new AbortController();
    try {
      const chunks = await provider.stream(body, { ...call, signal: abort.signal });
      const iterator = chunks[Symbol.asyncIterator]();
      const first = iterator.next();
      await settlesWithin(first, deps.limits.keepAliveMs);
      return { value: { iterator, first, abort }, firstByteAt: deps.clock.now() };
    } catch (error) {
      abort.abort();
      throw error;
    }
  });
  return {
    kind: 'stream',
    items: withCost(withKeepAlive(value.iterator, value.first, deps.limits.keepAliveMs), headers['x-switchboard-model'], deps),
    cancel: () => value.abort.abort(),
    headers,
  };
}

/** The request's cost in dollars, from the answering model's catalog prices; undefined when it is not priced. */
function costInDollars(model: string | undefined, usage: Usage, deps: GatewayDeps): number | undefined {
  const entry = model === undefined ? undefined : catalogEntry(model);
  return entry && microsToDollars(requestCostMicros(usage, entry, deps.markup));
}

/** A stream's usage chunk also carries the cost (`usage.cost`, in dollars), as OpenRouter's does. */
async function* withCost(items: AsyncIterable<StreamItem>, model: string | undefined, deps: GatewayDeps): AsyncGenerator<StreamItem> {
  for await (const item of items) {
    const cost = item !== keepAlive && item.usage ? costInDollars(model, item.usage, deps) : undefined;
    yield cost === undefined || item === keepAlive || !item.usage ? item : { ...item, usage: { ...item.usage, cost } };
  }
}
