import { accountOf } from '../core/accounting/directory-lookup.js';
import type { ChatCompletionRequest } from '../core/schemas/openai-chat-request.js';
import { catalogEntry } from '../core/catalog/model-catalog.js';
import { microsToDollars } from '../core/catalog/request-cost.js';
import type { ChatCompletion, ChatCompletionChunk } from '../core/schemas/openai-chat-response.js';
import type { ApiKeyRecord } from '../ports/key-store.js';
import { chatUsageBound, costMicros, openedLedger, openLedger, releaseAfter, type Ledger } from './accounting.js';
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
 * Routes a chat request (a model or a policy) among the models its key may use, holds its
 * worst-case cost against every limit that applies, runs its attempts, and settles with what
 * the answer cost (releasing the hold when every attempt failed).
 */
export async function runChat(
  body: ChatCompletionRequest,
  key: ApiKeyRecord,
  requestId: string,
  requestBytes: number,
  deps: GatewayDeps,
): Promise<ChatOutcome> {
  const account = await accountOf(key, deps.directory);
  const stickiness = body.requesty?.trace_id ?? requestId;
  let ledger: Ledger | undefined;
  const bound = (models: readonly string[]) =>
    chatUsageBound(
      requestBytes,
      body.max_completion_tokens ?? body.max_tokens ?? Math.max(0, ...models.map((model) => catalogEntry(model)?.max_output_tokens ?? 0)),
    );
  const open = async (models: string[]) => {
    ledger = await openLedger(account, models, bound, { requestId, requesty: body.requesty }, deps);
  };
  try {
    if (!body.stream) {
      const { value, headers } = await runRouted(
        body.model,
        account,
        stickiness,
        requestId,
        'complete',
        deps,
        async (provider, call) => ({ value: await provider.complete(body, call), firstByteAt: deps.clock.now() }),
        open,
      );
      const opened = openedLedger(ledger);
      const { cost, charged } = await opened.settle(headers['x-switchboard-model'], value.usage);
      const accounted = { ...headers, ...(await opened.remainingHeaders(charged)) };
      if (cost === undefined || !value.usage) return { kind: 'complete', completion: value, headers: accounted };
      return {
        kind: 'complete',
        completion: { ...value, usage: { ...value.usage, cost: microsToDollars(cost) } },
        headers: { ...accounted, 'x-switchboard-cost': microsToDollars(cost).toFixed(6) },
      };
    }

    // Failover stays possible until the first chunk (or the first keep-alive) is committed.
    const { value, headers } = await runRouted<OpenedStream>(
      body.model,
      account,
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
      open,
    );
    const opened = openedLedger(ledger);
    const items = withKeepAlive(value.iterator, value.first, deps.limits.keepAliveMs);
    return {
      kind: 'stream',
      items: withCost(items, headers['x-switchboard-model'], opened, deps),
      cancel: () => value.abort.abort(),
      headers: { ...headers, ...(await opened.remainingHeaders()) },
    };
  } catch (error) {
    await releaseAfter(error, ledger);
    throw error;
  }
}

/**
 * A stream's usage chunk also carries the cost (`usage.cost`, in dollars), as OpenRouter's does.
 * When the stream ends, however it ends, the request is settled: with its usage when that came,
 * else (the client left, the provider failed midway) with what it held, the most it can cost.
 */
async function* withCost(
  items: AsyncIterable<StreamItem>,
  model: string | undefined,
  ledger: Ledger,
  deps: GatewayDeps,
): AsyncGenerator<StreamItem> {
  let usage: ChatCompletionChunk['usage'];
  try {
    for await (const item of items) {
      if (item === keepAlive || !item.usage) {
        yield item;
        continue;
      }
      usage = item.usage;
      const cost = model === undefined ? undefined : costMicros(model, item.usage, deps);
      yield cost === undefined ? item : { ...item, usage: { ...item.usage, cost: microsToDollars(cost) } };
    }
  } finally {
    await ledger.settle(model, usage ?? undefined);
  }
}
