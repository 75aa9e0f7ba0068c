import type { LatencyMode, LatencyStats } from './latency-stats.js';
import { leafModels, type PolicyNode } from './policy-tree.js';
import { stableUnitHash } from './stable-hash.js';

/** One model to try, with how many times to retry it on a retryable failure, and its own limits if its policy set them. */
export interface Attempt {
  model: string;
  retries: number;
  headersTimeoutMs?: number;
  firstTokenTimeoutMs?: number;
}

/** What a policy entry says of the attempts below it. */
interface EntrySettings {
  retries?: number;
  headers_timeout_ms?: number | undefined;
  first_token_timeout_ms?: number | undefined;
}

export interface PlanContext {
  /** `requesty.trace_id`, else the request id: what keeps a conversation on one model. */
  stickinessKey: string;
  /** In [0, 1); injected so tests are deterministic. */
  random: () => number;
  latency: LatencyStats;
  mode: LatencyMode;
  now: number;
  /** Share of requests on which a latency policy tries an unmeasured model first. */
  explorationRate: number;
}

/**
 * Turns a resolved policy tree into the ordered list of models to try. Pure: the same tree,
 * context and randomness always give the same plan. Each model appears once, at its first place.
 */
export function planAttempts(node: PolicyNode, context: PlanContext): Attempt[] {
  const seen = new Set<string>();
  return expand(node, {}, context).filter((attempt) => !seen.has(attempt.model) && seen.add(attempt.model));
}

function expand(node: PolicyNode, entry: EntrySettings, context: PlanContext): Attempt[] {
  if (node.kind === 'model') {
    return [
      {
        model: node.model,
        retries: entry.retries ?? 0,
        ...(entry.headers_timeout_ms === undefined ? {} : { headersTimeoutMs: entry.headers_timeout_ms }),
        ...(entry.first_token_timeout_ms === undefined ? {} : { firstTokenTimeoutMs: entry.first_token_timeout_ms }),
      },
    ];
  }
  const { policy, children } = node;
  const models: readonly EntrySettings[] = policy.models;
  if (policy.type === 'fallback') return children.flatMap((child, i) => expand(child, models[i] ?? {}, context));
  const order =
    policy.type === 'load_balancing'
      ? weightedOrder(policy.models.map((entry) => entry.weight), stableUnitHash(`${policy.name}:${context.stickinessKey}`))
      : latencyOrder(children, context);
  return order.flatMap((i) => (children[i] ? expand(children[i], models[i] ?? {}, context) : []));
}

/** The entry the point `u` falls on first, then the rest by weight, heaviest first. */
function weightedOrder(weights: number[], u: number): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let cumulative = 0;
  let chosen = weights.length - 1;
  for (let i = 0; i < weights.length; i++) {
    cumulative += (weights[i] ?? 0) / total;
    if (u < cumulative) {
      chosen = i;
      break;
    }
  }
  const rest = weights
    .map((weight, i) => ({ weight, i }))
    .filter(({ i }) => i !== chosen)
    .sort((a, b) => b.weight - a.weight || a.i - b.i)
    .map(({ i }) => i);
  return [chosen, ...rest];
}

/**
 * Fastest recent median first; models without samples follow in document order, except on a
 * small share of requests where one of them goes first so it gets measured.
 */
function latencyOrder(children: PolicyNode[], context: PlanContext): number[] {
  const speed = children.map((child) => {
    const medians = leafModels(child)
      .map((model) => context.latency.median(model, context.mode, context.now))
      .filter((median): median is number => median !== undefined);
    return medians.length > 0 ? Math.min(...medians) : undefined;
  });
  const measured = speed
    .map((ms, i) => ({ ms, i }))
    .filter((entry): entry is { ms: number; i: number } => entry.ms !== undefined)
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .map(({ i }) => i);
  const unmeasured = speed.flatMap((ms, i) => (ms === undefined ? [i] : []));
  if (unmeasured.length > 0 && measured.length > 0 && context.random() < context.explorationRate) {
    const explored = unmeasured[Math.floor(context.random() * unmeasured.length)] ?? unmeasured[0] ?? 0;
    return [explored, ...measured, ...unmeasured.filter((i) => i !== explored)];
  }
  return [...measured, ...unmeasured];
}
