import { planAttempts, type Attempt } from '../core/routing/plan-attempts.js';
import { resolvePolicyTree } from '../core/routing/policy-resolver.js';
import { policyNameOf } from '../core/routing/policy-schema.js';
import type { LatencyMode } from '../core/routing/latency-stats.js';
import type { GatewayDeps } from './gateway-config.js';

export interface Route {
  attempts: Attempt[];
  /** The policy the request named, if it named one. */
  policy: string | undefined;
}

/** `provider/model` is one attempt; `policy/<name>` is planned from the policy tree. */
export async function planRoute(
  model: string,
  apiKeyId: string,
  stickinessKey: string,
  mode: LatencyMode,
  deps: GatewayDeps,
): Promise<Route> {
  const policy = policyNameOf(model);
  if (policy === undefined) return { attempts: [{ model, retries: 0 }], policy };
  const tree = await resolvePolicyTree(policy, apiKeyId, deps.policies);
  const attempts = planAttempts(tree, {
    stickinessKey,
    random: deps.random,
    latency: deps.routing.latency,
    mode,
    now: deps.clock.now(),
    explorationRate: deps.limits.explorationRate,
  });
  return { attempts, policy };
}
