import { planAttempts, type Attempt } from '../core/routing/plan-attempts.js';
import { resolvePolicyTree } from '../core/routing/policy-resolver.js';
import { policyNameOf } from '../core/routing/policy-schema.js';
import type { LatencyMode } from '../core/routing/latency-stats.js';
import { GatewayError } from '../core/errors.js';
import { findChatProvider } from '../core/providers/registry.js';
import type { GatewayDeps } from './gateway-config.js';

export interface Route {
  attempts: Attempt[];
  /** The policy the request named, if it named one. */
  policy: string | undefined;
}

/**
 * `provider/model` is one attempt; `policy/<name>` is planned from the policy tree. An EU-only
 * gateway drops every model whose inference runs outside the EU, and refuses a request left
 * with none.
 */
export async function planRoute(
  model: string,
  apiKeyId: string,
  stickinessKey: string,
  mode: LatencyMode,
  deps: GatewayDeps,
): Promise<Route> {
  const policy = policyNameOf(model);
  const planned =
    policy === undefined ? [{ model, retries: 0 }] : await planPolicy(policy, apiKeyId, stickinessKey, mode, deps);
  if (!deps.limits.euOnly) return { attempts: planned, policy };
  const attempts = planned.filter((attempt) => runsInEu(attempt.model, deps));
  if (attempts.length === 0) {
    throw new GatewayError(
      403,
      'model_not_allowed',
      `${model}: this gateway serves only models whose inference runs in the EU (for example mock/echo).`,
      { param: 'model', type: 'permission_error' },
    );
  }
  return { attempts, policy };
}

async function planPolicy(
  policy: string,
  apiKeyId: string,
  stickinessKey: string,
  mode: LatencyMode,
  deps: GatewayDeps,
): Promise<Attempt[]> {
  const tree = await resolvePolicyTree(policy, apiKeyId, deps.policies);
  return planAttempts(tree, {
    stickinessKey,
    random: deps.random,
    latency: deps.routing.latency,
    mode,
    now: deps.clock.now(),
    explorationRate: deps.limits.explorationRate,
  });
}

/** Unknown providers pass here and fail later with their usual model_not_found. */
function runsInEu(modelId: string, deps: GatewayDeps): boolean {
  const slash = modelId.indexOf('/');
  const providerId = modelId.slice(0, slash);
  const provider = findChatProvider(providerId);
  return provider ? provider.runsInEu(modelId.slice(slash + 1), deps.credentials[providerId] ?? {}) : false;
}
