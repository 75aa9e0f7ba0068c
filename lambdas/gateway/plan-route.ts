import type { Account } from '../core/accounting/account.js';
import { isApproved } from '../core/accounting/approved-models.js';
import { planAttempts, type Attempt } from '../core/routing/plan-attempts.js';
import { resolvePolicyTree } from '../core/routing/policy-resolver.js';
import { policyNameOf } from '../core/routing/policy-schema.js';
import { resolveModelAlias } from '../core/routing/model-aliases.js';
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
 * The requested model is first resolved through the organisation's aliases (model-aliases.ts).
 * `provider/model` is one attempt; `policy/<name>` is planned from the policy tree. Models the
 * account may not use (not approved; on an EU-only gateway, run outside the EU) are dropped, and
 * a request left with none is refused.
 */
export async function planRoute(
  requested: string,
  account: Account,
  stickinessKey: string,
  mode: LatencyMode,
  deps: GatewayDeps,
): Promise<Route> {
  const target = resolveModelAlias(requested, account.org.modelAliases);
  const policy = policyNameOf(target);
  const planned =
    policy === undefined ? [{ model: target, retries: 0 }] : await planPolicy(policy, account.key.id, stickinessKey, mode, deps);
  const approved = planned.filter((attempt) => isApproved(attempt.model, account));
  if (approved.length === 0) {
    throw notAllowed(`${target} is not approved for this key; ask an administrator to approve it for the organisation or the key's group.`);
  }
  if (!deps.limits.euOnly) return { attempts: approved, policy };
  const attempts = approved.filter((attempt) => runsInEu(attempt.model, deps));
  if (attempts.length === 0) {
    throw notAllowed(`${target}: this gateway serves only models whose inference runs in the EU (for example mock/echo).`);
  }
  return { attempts, policy };
}

function notAllowed(message: string): GatewayError {
  return new GatewayError(403, 'model_not_allowed', message, { param: 'model', type: 'permission_error' });
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
