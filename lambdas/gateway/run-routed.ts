import type { Account } from '../core/accounting/account.js';
import { GatewayError } from '../core/errors.js';
import { parseModelId } from '../core/providers/model-id.js';
import type { ChatProvider, ProviderCall } from '../core/providers/provider.js';
import { chatProviderFor } from '../core/providers/registry.js';
import type { LatencyMode } from '../core/routing/latency-stats.js';
import { runAttempts, type RunContext, type RunOutcome, type TryResult } from '../core/routing/run-attempts.js';
import type { GatewayDeps } from './gateway-config.js';
import { planRoute, type Route } from './plan-route.js';

/**
 * Plans the attempts for a model or policy and runs them with `tryProvider`; the headers say
 * which model answered, after how many attempts, under which policy.
 */
export async function runRouted<T>(
  model: string,
  account: Account,
  stickinessKey: string,
  requestId: string,
  mode: LatencyMode,
  deps: GatewayDeps,
  tryProvider: (provider: ChatProvider, call: ProviderCall) => Promise<TryResult<T>>,
  /** Runs once the candidate models are known and before any is called (the budget check). */
  beforeCalls?: (models: string[]) => Promise<void>,
): Promise<{ value: T; headers: Record<string, string> }> {
  const route = await planRoute(model, account, stickinessKey, mode, deps);
  await beforeCalls?.(route.attempts.map((attempt) => attempt.model));
  const outcome = await runAttempts(
    route.attempts,
    (attempt, remainingMs) => {
      const { provider, call } = prepareCall(attempt, remainingMs, deps);
      return tryProvider(provider, call);
    },
    runContext(deps, mode),
  ).catch(rethrowFor(route));
  return { value: outcome.value, headers: described(outcome, route, requestId) };
}

function described(outcome: RunOutcome<unknown>, route: Route, requestId: string): Record<string, string> {
  return {
    'x-request-id': requestId,
    'x-switchboard-model': outcome.model,
    'x-switchboard-attempts': String(outcome.attempts),
    ...(route.policy ? { 'x-switchboard-policy': route.policy } : {}),
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
      bedrock: deps.bedrock,
      clock: deps.clock,
      headersTimeoutMs: Math.max(1, Math.min(deps.limits.firstByteTimeoutMs, remainingMs)),
      idleTimeoutMs: deps.limits.idleTimeoutMs,
      deadlineAt: deps.clock.now() + remainingMs,
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
