import { microsToDollars } from '../core/catalog/request-cost.js';
import type { ChatProvider, ProviderCall } from '../core/providers/provider.js';
import type { Usage } from '../core/schemas/openai-chat-response.js';
import type { RequestyExtension } from '../core/schemas/requesty-extension.js';
import type { PieceBound, UsageBound } from './accounting.js';
import { jsonStart } from './chat-completions.js';
import type { GatewayDeps } from './gateway-config.js';
import type { GatewayRequest, GatewayResponse } from './gateway-http.js';
import { loggedRoute } from './logged-route.js';
import { toOpenAIError } from './openai-error-body.js';
import type { Endpoint } from './request-log-entry.js';
import { respondInTime } from './respond-in-time.js';
import { routedHeaders, runRouted } from './run-routed.js';

/** A request one provider call answers whole (embeddings, images, transcriptions), as its route reads it. */
export interface OneCall<T> {
  model: string;
  requesty: RequestyExtension | undefined;
  /** The most usage an answer can have; none where the answer is priced by the piece. */
  bound?: UsageBound;
  pieceBound?: PieceBound;
  /** The call to one candidate; throws, naming `model`, when its provider has no such models. */
  call(provider: ChatProvider, call: ProviderCall): Promise<T>;
  /** What the answer of `model` is charged, and the reply once its cost is known. */
  charge(answer: T, model: string): OneCallCharge;
}

export interface OneCallCharge {
  usage: Usage;
  estimated?: boolean;
  /** What the answer cost by the piece (images, audio), in micro-dollars. */
  pieceCost?: number;
  /** `headers`: how it was routed and what it cost (no cost header for an unpriced model). */
  reply(cost: number | undefined, headers: Record<string, string>): GatewayResponse;
}

const noUsage: UsageBound = () => ({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });

/**
 * A logged route (OpenAI's error shape) whose request is routed like any other to one call
 * answered whole, settled with what the answer says it used, and answered as JSON in time
 * (respond-in-time.ts). `read` parses the request; it may throw the 400 of a bad one.
 */
export function oneCallRoute<T>(request: GatewayRequest, deps: GatewayDeps, endpoint: Endpoint, read: () => OneCall<T> | Promise<OneCall<T>>): Promise<GatewayResponse> {
  return loggedRoute(request, deps, endpoint, toOpenAIError, async ({ key, log, failure }) => {
    const asked = await read();
    log.askedFor({ model: asked.model, stream: false, requesty: asked.requesty, toolsOffered: [] });
    const work = (async (): Promise<GatewayResponse> => {
      const { model, requesty, bound = noUsage, pieceBound } = asked;
      const tryModel = async (provider: ChatProvider, call: ProviderCall) => ({ value: await asked.call(provider, call), firstByteAt: deps.clock.now() });
      const routed = await runRouted({ model, key, requestId: request.requestId, requesty, mode: 'complete', bound, pieceBound, clientSignal: request.clientSignal, tryModel, log }, deps);
      const charge = asked.charge(routed.value, routed.model);
      const { cost, charged } = await routed.ledger.settle(routed.model, charge.usage, charge.estimated, charge.pieceCost);
      const headers = { ...routedHeaders(routed, request.requestId), ...(await routed.ledger.remainingHeaders(charged)) };
      return charge.reply(cost, cost === undefined ? headers : { ...headers, 'x-switchboard-cost': microsToDollars(cost).toFixed(6) });
    })().catch(failure);
    return respondInTime(work, jsonStart(request.requestId), deps.limits);
  });
}
