import { billingPeriod } from '../core/catalog/billing-period.js';
import { catalogEntry } from '../core/catalog/model-catalog.js';
import { requestCostMicros } from '../core/catalog/request-cost.js';
import { GatewayError } from '../core/errors.js';
import type { Usage } from '../core/schemas/openai-chat-response.js';
import type { ApiKeyRecord } from '../ports/key-store.js';
import type { GatewayDeps } from './gateway-config.js';

/** A reservation held for one request; settle it exactly once with what the request cost. */
export interface BudgetHold {
  reserved: number;
  settle(actualMicros: number): Promise<void>;
}

/** Longer than the longest Lambda invocation: a reservation older than this belongs to a dead request. */
const reservationLifetimeMs = 20 * 60_000;

/**
 * Reserves the most a request can cost before any provider is called, so a key's monthly cap
 * is never passed, however many requests run at once. `bound` gives usage no answer can exceed
 * (asked only for capped keys); with several candidate models (a policy), the dearest is
 * reserved. Keys without a cap hold nothing. A key with a cap may only use models the catalog
 * prices.
 */
export async function reserveBudget(
  key: ApiKeyRecord,
  models: readonly string[],
  bound: (models: readonly string[]) => Usage,
  requestId: string,
  deps: GatewayDeps,
): Promise<BudgetHold | undefined> {
  const limit = key.monthlyLimit;
  if (limit === undefined) return undefined;
  const usageBound = bound(models);
  let worstCase = 0;
  for (const model of models) {
    const entry = catalogEntry(model);
    if (!entry) {
      throw new GatewayError(400, 'model_not_priced', `${model} is not in the catalog, so a key with a spend limit cannot use it.`, {
        param: 'model',
        type: 'invalid_request_error',
      });
    }
    worstCase = Math.max(worstCase, requestCostMicros(usageBound, entry, deps.markup));
  }
  const now = deps.clock.now();
  const period = billingPeriod(now);
  const reservation = { keyId: key.id, period: period.id, requestId, amount: worstCase };
  const expiresAt = now + reservationLifetimeMs;
  let reserved = await deps.usage.reserve(reservation, limit, expiresAt);
  // Requests that died without settling still hold their reservations: release and try again.
  if (!reserved && (await deps.usage.releaseExpired(key.id, period.id, now)) > 0) {
    reserved = await deps.usage.reserve(reservation, limit, expiresAt);
  }
  if (!reserved) {
    const resetsAt = new Date(period.end).toISOString();
    throw new GatewayError(
      402,
      'budget_exceeded',
      `This API key's monthly spend limit would be exceeded by this request; it resets at ${resetsAt}.`,
      { type: 'insufficient_quota', headers: { 'x-switchboard-budget-resets-at': resetsAt } },
    );
  }
  let settled = false;
  return {
    reserved: worstCase,
    async settle(actual) {
      if (settled) return;
      settled = true;
      await deps.usage.settle(reservation, actual);
    },
  };
}

/** The most a chat request can use: every byte of the request a token, and its output cap. */
export function chatUsageBound(requestBytes: number, maxOutputTokens: number): Usage {
  return {
    prompt_tokens: requestBytes,
    completion_tokens: maxOutputTokens,
    total_tokens: requestBytes + maxOutputTokens,
    // Priced as cache writes where those cost more than plain input.
    prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: requestBytes },
  };
}

/** A request's cost in micro-dollars from the answering model's catalog prices; undefined when not priced. */
export function costMicros(model: string | undefined, usage: Usage, deps: GatewayDeps): number | undefined {
  const entry = model === undefined ? undefined : catalogEntry(model);
  return entry && requestCostMicros(usage, entry, deps.markup);
}
