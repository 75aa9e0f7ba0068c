import { chatUsageBound, deliveredUsageEstimate, measurePrompt, type PromptMeasure } from '../core/accounting/usage-bound.js';
import { CompletionAssembler } from '../core/providers/assemble-completion.js';
import type { ChatProvider, ProviderCall } from '../core/providers/provider.js';
import type { Attempt } from '../core/routing/plan-attempts.js';
import type { TryResult } from '../core/routing/run-attempts.js';
import type { ChatCompletionRequest } from '../core/schemas/openai-chat-request.js';
import type { ChatCompletion, Usage } from '../core/schemas/openai-chat-response.js';
import type { ApiKeyRecord } from '../ports/key-store.js';
import { settledUsageFields } from './settled-usage-fields.js';
import { openAnswer, outputChars, type OpenedAnswer, type OpenedStream } from './open-answer.js';
import type { GatewayDeps } from './gateway-config.js';
import type { GatewayRequest } from './gateway-http.js';
import { keepAlive, withKeepAlive, type StreamItem } from './keep-alive.js';
import type { RequestLogEntry } from './request-log-entry.js';
import { routedHeaders, runRouted, type Routed, type RoutedRequest } from './run-routed.js';

/** A served chat request, before it is encoded in the caller's API (OpenAI or Anthropic). */
export type ChatOutcome =
  | { kind: 'complete'; completion: ChatCompletion; headers: Record<string, string> }
  | { kind: 'stream'; items: AsyncIterable<StreamItem>; cancel: () => void; headers: Record<string, string> };

/**
 * Routes a chat request (a model or a policy) and settles what its answer cost. Providers are
 * asked for a stream (JSON answers too, but for SWITCHBOARD_UPSTREAM_JSON's OpenAI-protocol
 * targets: run-chat-completions.ts), so a hung provider is noticed by its response head and a
 * thinking one by its first token; until the first token, the next model can still be tried.
 */
export async function runChat(
  body: ChatCompletionRequest,
  key: ApiKeyRecord,
  log: RequestLogEntry,
  request: GatewayRequest,
  deps: GatewayDeps,
): Promise<ChatOutcome> {
  const prompt = measurePrompt(body, Buffer.byteLength(request.body));
  const routing = chatRouting(body, key, log, request, prompt);
  const open: OpenChat = (provider, call, attempt) => openAnswer(provider, body, call, attempt, deps);
  return body.stream ? streamChat(routing, prompt, open, deps) : completeChat(routing, prompt, assembled(open), deps);
}

/** What routing needs of a chat request, whatever the answer's shape. */
export function chatRouting(body: ChatCompletionRequest, key: ApiKeyRecord, log: RequestLogEntry, request: GatewayRequest, prompt: PromptMeasure): Routing {
  return {
    log,
    model: body.model,
    key,
    requestId: request.requestId,
    requesty: body.requesty,
    bound: (model, entry) => chatUsageBound(body, prompt, model, entry),
    clientSignal: request.clientSignal,
  };
}

export type Routing = Omit<RoutedRequest<unknown>, 'mode' | 'tryModel'>;
/** One attempt at a chat answer as OpenAI chunks (translated, or an OpenAI-protocol stream read chunk by chunk). */
export type OpenChat = (provider: ChatProvider, call: ProviderCall, attempt: Attempt) => Promise<TryResult<OpenedAnswer>>;
/** One attempt at a whole chat answer. */
export type AnswerChat = (provider: ChatProvider, call: ProviderCall, attempt: Attempt) => Promise<ChatCompletion>;

/** Whole answers assembled from the streams `open` opens. */
export function assembled(open: OpenChat): AnswerChat {
  return async (provider, call, attempt) => readCompletion((await open(provider, call, attempt)).value);
}

export async function completeChat(routing: Routing, prompt: PromptMeasure, answer: AnswerChat, deps: GatewayDeps): Promise<Extract<ChatOutcome, { kind: 'complete' }>> {
  const routed = await runRouted<ChatCompletion>(
    {
      ...routing,
      mode: 'complete',
      tryModel: async (provider, call, attempt) => ({ value: await answer(provider, call, attempt), firstByteAt: deps.clock.now() }),
    },
    deps,
  );
  const completion = routed.value;
  routing.log.completion(completion);
  const usage = completion.usage ?? deliveredUsageEstimate(prompt, { outputChars: completion.choices.reduce((sum, choice) => sum + outputChars(choice.message), 0) });
  const { cost, charged } = await routed.ledger.settle(routed.model, usage, !completion.usage);
  const headers = { ...routedHeaders(routed, routing.requestId), ...(await routed.ledger.remainingHeaders(charged)) };
  const fields = cost === undefined || !completion.usage ? undefined : settledUsageFields(routed.model, completion.usage, cost, deps);
  if (!fields || !completion.usage) return { kind: 'complete', completion, headers };
  return {
    kind: 'complete',
    completion: { ...completion, usage: { ...completion.usage, ...fields.usage } },
    headers: { ...headers, ...fields.headers },
  };
}

async function streamChat(routing: Routing, prompt: PromptMeasure, open: OpenChat, deps: GatewayDeps): Promise<ChatOutcome> {
  const routed = await runRouted<OpenedAnswer>({ ...routing, mode: 'stream', tryModel: open }, deps);
  const headers = { ...routedHeaders(routed, routing.requestId), ...(await routed.ledger.remainingHeaders()) };
  return chunkStream(routed, routed.value, prompt, routing.log, headers, deps);
}

/** A routed answer streamed as chunks, counted and settled as they go. */
export function chunkStream(
  routed: Pick<Routed<unknown>, 'ledger' | 'model'>,
  answer: OpenedAnswer,
  prompt: PromptMeasure,
  log: RequestLogEntry,
  headers: Record<string, string>,
  deps: GatewayDeps,
): Extract<ChatOutcome, { kind: 'stream' }> {
  const account = streamAccount(routed, prompt, log, deps);
  return {
    kind: 'stream',
    items: account.counted(withKeepAlive(chunksOf(answer), deps.limits.keepAliveMs)),
    cancel: () => {
      answer.cancel();
      void account.settle();
    },
    headers,
  };
}

/** An opened answer read to its end, as one completion (a failure cancels it and is thrown). */
export async function readCompletion(answer: OpenedAnswer): Promise<ChatCompletion> {
  try {
    const assembler = new CompletionAssembler();
    for (const chunk of answer.lead) assembler.add(chunk);
    for (let next = await answer.rest.next(); !next.done; next = await answer.rest.next()) assembler.add(next.value);
    return assembler.completion();
  } catch (error) {
    answer.cancel();
    throw error;
  }
}

/**
 * An opened stream's items from its start: the lead read when it opened, then the rest as they
 * come. A plain iterator rather than a generator, whose every item would cost a promise and a
 * turn of its own; like one, it leaves the rest alone when it is let go (cancelling is `cancel`'s).
 */
export function chunksOf<T>(answer: OpenedStream<T>): AsyncIterator<T> {
  const lead = answer.lead[Symbol.iterator]();
  return {
    next: () => {
      const item = lead.next();
      return item.done ? answer.rest.next() : Promise.resolve(item);
    },
  };
}

/**
 * What a stream delivers and what it is charged, settled once however the stream ends: with the
 * usage the provider reported, or, when the stream was cut before that (the client left, the
 * provider failed or stopped early), with an estimate of what was delivered that errs low.
 * The usage chunk also carries the cost (`usage.cost`, in dollars), as OpenRouter's does.
 */
export function streamAccount(routed: Pick<Routed<unknown>, 'ledger' | 'model'>, prompt: PromptMeasure, log: RequestLogEntry, deps: GatewayDeps) {
  let usage: Usage | undefined;
  let delivered = 0;
  const settle = settleOnce(routed, prompt, () => ({ usage, deliveredChars: delivered }));
  return {
    settle,
    async *counted(items: AsyncIterable<StreamItem>): AsyncGenerator<StreamItem> {
      try {
        for await (const item of items) {
          if (item === keepAlive) {
            yield item;
            continue;
          }
          log.chunk(item);
          for (const choice of item.choices) delivered += outputChars(choice.delta);
          if (!item.usage) {
            yield item;
            continue;
          }
          usage = item.usage;
          const fields = settledUsageFields(routed.model, item.usage, undefined, deps);
          yield fields ? { ...item, usage: { ...item.usage, ...fields.usage } } : item;
        }
      } catch (error) {
        // A failure after the first token: the client is told in the stream, the log here.
        log.failed(error);
        throw error;
      } finally {
        await settle();
      }
    },
  };
}

/**
 * A stream's settlement, once however it ends: with the usage the provider reported, or with an
 * estimate of the output delivered that errs low (its prompt measured exactly).
 */
export function settleOnce(
  routed: Pick<Routed<unknown>, 'ledger' | 'model'>,
  prompt: PromptMeasure,
  seen: () => { usage: Usage | undefined; deliveredChars: number },
): () => Promise<unknown> {
  let settled: Promise<unknown> | undefined;
  return () => {
    if (settled) return settled;
    const { usage, deliveredChars } = seen();
    return (settled = routed.ledger.settle(routed.model, usage ?? deliveredUsageEstimate(prompt, { outputChars: deliveredChars }), !usage));
  };
}
