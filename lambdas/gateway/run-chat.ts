import type { ChatCompletionRequest } from '../core/schemas/openai-chat-request.js';
import { catalogEntry } from '../core/catalog/model-catalog.js';
import { microsToDollars } from '../core/catalog/request-cost.js';
import type { ChatCompletion, ChatCompletionChunk } from '../core/schemas/openai-chat-response.js';
import type { ApiKeyRecord } from '../ports/key-store.js';
import { chatUsageBound, costMicros, reserveBudget, type BudgetHold } from './budget.js';
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

/**
 * Routes a chat request (a model or a policy), holds its worst-case cost against the key's
 * budget, runs its attempts, and settles the budget with what the answer cost (nothing when
 * every attempt failed).
 */
export async function runChat(
  body: ChatCompletionRequest,
  key: ApiKeyRecord,
  requestId: string,
  requestBytes: number,
  deps: GatewayDeps,
): Promise<ChatOutcome> {
  const stickiness = body.requesty?.trace_id ?? requestId;
  let hold: BudgetHold | undefined;
  const bound = (models: readonly string[]) =>
    chatUsageBound(
      requestBytes,
      body.max_completion_tokens ?? body.max_tokens ?? Math.max(0, ...models.map((model) => catalogEntry(model)?.max_output_tokens ?? 0)),
    );
  const reserve = async (models: string[]) => {
    hold = await reserveBudget(key, models, bound, requestId, deps);
  };
  try {
    if (!body.stream) {
      const { value, headers } = await runRouted(
        body.model,
        key.id,
        stickiness,
        requestId,
        'complete',
        deps,
        async (provider, call) => ({ value: await provider.complete(body, call), firstByteAt: deps.clock.now() }),
        reserve,
      );
      const cost = value.usage && costMicros(headers['x-switchboard-model'], value.usage, deps);
      await hold?.settle(cost ?? hold.reserved);
      if (cost === undefined || !value.usage) return { kind: 'complete', completion: value, headers };
      return {
        kind: 'complete',
        completion: { ...value, usage: { ...value.usage, cost: microsToDollars(cost) } },
        headers: { ...headers, 'x-switchboard-cost': microsToDollars(cost).toFixed(6) },
      };
    }

    // Failover stays possible until the first chunk (or the first keep-alive) is committed.
    const { value, headers } = await runRouted<OpenedStream>(
      body.model,
      key.id,
      stickiness,
      requestId,
      'stream',
      deps,
      async (provider, call) => {
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
      },
      reserve,
    );
    const items = withKeepAlive(value.iterator, value.first, deps.limits.keepAliveMs);
    return {
      kind: 'stream',
      items: withCost(items, headers['x-switchboard-model'], hold, deps),
      cancel: () => value.abort.abort(),
      headers,
    };
  } catch (error) {
    await hold?.settle(0);
    throw error;
  }
}

/**
 * A stream's usage chunk also carries the cost (`usage.cost`, in dollars), as OpenRouter's does.
 * When the stream ends, however it ends, the budget is settled: with the cost when usage came,
 * else (the client left, the provider failed midway) with the reservation, the most it can be.
 */
async function* withCost(
  items: AsyncIterable<StreamItem>,
  model: string | undefined,
  hold: BudgetHold | undefined,
  deps: GatewayDeps,
): AsyncGenerator<StreamItem> {
  let cost: number | undefined;
  try {
    for await (const item of items) {
      const itemCost = item !== keepAlive && item.usage ? costMicros(model, item.usage, deps) : undefined;
      if (itemCost === undefined || item === keepAlive || !item.usage) {
        yield item;
        continue;
      }
      cost = itemCost;
      yield { ...item, usage: { ...item.usage, cost: microsToDollars(itemCost) } };
    }
  } finally {
    await hold?.settle(cost ?? hold.reserved);
  }
}
