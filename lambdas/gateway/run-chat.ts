import { chatUsageBound, deliveredUsageEstimate, measurePrompt, type PromptMeasure } from '../core/accounting/usage-bound.js';
import { CompletionAssembler } from '../core/providers/assemble-completion.js';
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
 * always asked for a stream, so a hung provider is noticed by its response head and a thinking
 * one by its first token, in streams and JSON answers alike; until the first token, the next
 * model can still be tried.
 */
export async function runChat(
  body: ChatCompletionRequest,
  key: ApiKeyRecord,
  log: RequestLogEntry,
  request: GatewayRequest,
  deps: GatewayDeps,
): Promise<ChatOutcome> {
  const prompt = measurePrompt(body, Buffer.byteLength(request.body));
  const routing: Routing = {
    log,
    model: body.model,
    key,
    requestId: request.requestId,
    requesty: body.requesty,
    bound: (model, entry) => chatUsageBound(body, prompt, model, entry),
    clientSignal: request.clientSignal,
  };
  return body.stream ? streamChat(body, routing, prompt, deps) : completeChat(body, routing, prompt, deps);
}

type Routing = Omit<RoutedRequest<unknown>, 'mode' | 'tryModel'>;

async function completeChat(body: ChatCompletionRequest, routing: Routing, prompt: PromptMeasure, deps: GatewayDeps): Promise<ChatOutcome> {
  const routed = await runRouted<ChatCompletion>(
    {
      ...routing,
      mode: 'complete',
      tryModel: async (provider, call, attempt) => ({
        value: await readCompletion((await openAnswer(provider, body, call, attempt, deps)).value),
        firstByteAt: deps.clock.now(),
      }),
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

async function streamChat(body: ChatCompletionRequest, routing: Routing, prompt: PromptMeasure, deps: GatewayDeps): Promise<ChatOutcome> {
  const routed = await runRouted<OpenedAnswer>(
    { ...routing, mode: 'stream', tryModel: (provider, call, attempt) => openAnswer(provider, body, call, attempt, deps) },
    deps,
  );
  const answer = routed.value;
  const account = streamAccount(routed, prompt, routing.log, deps);
  return {
    kind: 'stream',
    items: account.counted(withKeepAlive(chunksOf(answer), deps.limits.keepAliveMs)),
    cancel: () => {
      answer.cancel();
      void account.settle();
    },
    headers: { ...routedHeaders(routed, routing.requestId), ...(await routed.ledger.remainingHeaders()) },
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

export async function* chunksOf<T>(answer: OpenedStream<T>): AsyncGenerator<T> {
  yield* answer.lead;
  for (let next = await answer.rest.next(); !next.done; next = await answer.rest.next()) yield next.value;
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
  let settled: Promise<unknown> | undefined;
  const settle = () =>
    (settled ??= routed.ledger.settle(routed.model, usage ?? deliveredUsageEstimate(prompt, { outputChars: delivered }), !usage));
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
