import { accountOf } from '../core/accounting/directory-lookup.js';
import { GatewayError } from '../core/errors.js';
import { parseModelId } from '../core/providers/model-id.js';
import type { ChatProvider, ProviderCall } from '../core/providers/provider.js';
import { chatProviderFor } from '../core/providers/registry.js';
import type { LatencyMode } from '../core/routing/latency-stats.js';
import type { Attempt } from '../core/routing/plan-attempts.js';
import { runAttempts, type RunContext, type TryResult } from '../core/routing/run-attempts.js';
import type { RequestyExtension } from '../core/schemas/requesty-extension.js';
import type { ApiKeyRecord } from '../ports/key-store.js';
import { openLedger, releaseAfter, type Ledger, type PieceBound, type UsageBound } from './accounting.js';
import type { GatewayDeps } from './gateway-config.js';
import { planRoute } from './plan-route.js';
import type { RequestLogEntry } from './request-log-entry.js';
import { usableCredentials } from './usable-credentials.js';

/** One routed request, whatever its API: chat, messages, embeddings. */
export interface RoutedRequest<T> {
  /** What the client asked for: `provider/model` or `policy/<name>`. */
  model: string;
  key: ApiKeyRecord;
  requestId: string;
  requesty: RequestyExtension | undefined;
  mode: LatencyMode;
  /** The most an answer of each candidate model can use: what the budget holds. */
  bound: UsageBound;
  /** Set for answers priced by the piece (images, audio): the most each candidate can cost, instead of `bound`. */
  pieceBound?: PieceBound;
  /** Aborted when the client goes away: no further attempt starts, the running one is cancelled. */
  clientSignal: AbortSignal | undefined;
  /**
   * One try of one model; throws its failure. `spendLimited`: a spend limit holds the request, so
   * what the provider may bill beyond tokens (built-in tool calls) must be bounded on the request
   * sent, as the hold assumed.
   */
  tryModel: (provider: ChatProvider, call: ProviderCall, attempt: Attempt, spendLimited: boolean) => Promise<TryResult<T>>;
  /** The request's log entry: told the policy, each attempt and the model that answered. */
  log: RequestLogEntry;
}

/** A request some model answered, with the ledger it is to be settled on. */
export interface Routed<T> {
  value: T;
  /** The model that answered. */
  model: string;
  attempts: number;
  /** The policy the request named, if it named one. */
  policy: string | undefined;
  ledger: Ledger;
}

/**
 * The one orchestration every route shares: plan the attempts for a model or policy among those
 * the key may use, hold the worst case against every limit that applies, run the attempts, and
 * give the hold back when all of them failed. The caller settles the ledger with what the
 * answer cost.
 */
export async function runRouted<T>(request: RoutedRequest<T>, deps: GatewayDeps): Promise<Routed<T>> {
  const account = await accountOf(request.key, deps.directory);
  const stickiness = request.requesty?.trace_id ?? request.requestId;
  const route = await planRoute(request.model, account, stickiness, request.mode, deps);
  request.log.routedBy(route.policy);
  const facts = { requestId: request.requestId, requesty: request.requesty, modelRequested: request.model, originTitle: request.log.originTitle() };
  const ledger = loggedLedger(await openLedger(account, route.attempts.map((attempt) => attempt.model), request.bound, facts, deps, request.pieceBound), request.log);
  try {
    const outcome = await runAttempts(
      route.attempts,
      (attempt, remainingMs) => {
        const { provider, call } = prepareCall(attempt, remainingMs, request.clientSignal, deps);
        return request.tryModel(provider, call, attempt, ledger.limited);
      },
      runContext(deps, request),
    );
    request.log.answeredBy(outcome.model, outcome.firstByteAt);
    return { value: outcome.value, model: outcome.model, attempts: outcome.attempts, policy: route.policy, ledger };
  } catch (error) {
    if (error instanceof GatewayError && route.policy) error.headers['x-switchboard-policy'] = route.policy;
    await releaseAfter(error, ledger);
    throw error;
  }
}

/** The ledger, telling the request's log entry what it settled (its record waits for that). */
function loggedLedger(ledger: Ledger, log: RequestLogEntry): Ledger {
  log.ledgerOpened();
  return {
    ...ledger,
    async settle(model, usage, estimated = false, pieceCost) {
      let cost: number | undefined;
      try {
        const settled = await ledger.settle(model, usage, estimated, pieceCost);
        cost = settled.cost;
        return settled;
      } finally {
        // The record holds the cost the ledger charged, not a second computation of it.
        log.ledgerClosed({ usage, estimated, cost, ...(pieceCost === undefined ? {} : { pieceCost }) });
      }
    },
    async release() {
      try {
        await ledger.release();
      } finally {
        log.ledgerClosed(undefined);
      }
    },
  };
}

/** What the response says of how it was routed. */
export function routedHeaders(routed: Routed<unknown>, requestId: string): Record<string, string> {
  return {
    'x-request-id': requestId,
    'x-switchboard-model': routed.model,
    'x-switchboard-attempts': String(routed.attempts),
    ...(routed.policy ? { 'x-switchboard-policy': routed.policy } : {}),
  };
}

function prepareCall(
  attempt: Attempt,
  remainingMs: number,
  clientSignal: AbortSignal | undefined,
  deps: GatewayDeps,
): { provider: ChatProvider; call: ProviderCall } {
  const { provider: providerId, model } = parseModelId(attempt.model);
  const provider = chatProviderFor(providerId, attempt.model);
  return {
    provider,
    call: {
      model,
      credentials: usableCredentials(provider, deps.credentials[providerId]),
      http: deps.http,
      bedrock: deps.bedrock,
      clock: deps.clock,
      ...(clientSignal ? { signal: clientSignal } : {}),
      headersTimeoutMs: Math.max(1, Math.min(attempt.headersTimeoutMs ?? deps.limits.headersTimeoutMs, remainingMs)),
      idleTimeoutMs: deps.limits.idleTimeoutMs,
      deadlineAt: deps.clock.now() + remainingMs,
    },
  };
}

function runContext(deps: GatewayDeps, request: RoutedRequest<unknown>): RunContext {
  return {
    state: deps.routing,
    clock: deps.clock,
    sleep: deps.sleep,
    random: deps.random,
    mode: request.mode,
    deadlineAt: deps.clock.now() + deps.limits.deadlineMs,
    ...(request.clientSignal ? { signal: request.clientSignal } : {}),
    onAttempt: request.log.attempt,
  };
}
