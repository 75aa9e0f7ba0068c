import { describe, expect, it } from 'vitest';
import { LatencyStats } from '../../../lambdas/core/routing/latency-stats.js';
import { planAttempts, type PlanContext } from '../../../lambdas/core/routing/plan-attempts.js';
import { policySchema, type Policy } from '../../../lambdas/core/routing/policy-schema.js';
import type { PolicyNode } from '../../../lambdas/core/routing/policy-tree.js';

const policy = (document: unknown): Policy => policySchema.parse(document);
const leaf = (model: string): PolicyNode => ({ kind: 'model', model });
const node = (document: unknown, children?: PolicyNode[]): PolicyNode => {
  const parsed = policy(document);
  return { kind: 'policy', policy: parsed, children: children ?? parsed.models.map((entry) => leaf(entry.model)) };
};

/** A seeded generator (mulberry32) so planning is reproducible. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function context(overrides: Partial<PlanContext> = {}): PlanContext {
  return {
    stickinessKey: 'request-1',
    random: seeded(1),
    latency: new LatencyStats(),
    mode: 'stream',
    now: 1_000_000,
    explorationRate: 0.1,
    ...overrides,
  };
}

const spread = node({
  name: 'spread',
  type: 'load_balancing',
  models: [
    { model: 'openai/a', weight: 70 },
    { model: 'openai/b', weight: 30 },
  ],
});

describe('planAttempts', () => {
  it('keeps a fallback chain in order with each entry’s retries, and nested policies in place', () => {
    const backup = node({ name: 'backup', type: 'fallback', models: [{ model: 'mock/echo' }] });
    const chain = node(
      {
        name: 'sonnet',
        type: 'fallback',
        models: [{ model: 'openai/a', retries: 1 }, { model: 'openai/b', retries: 2 }, { model: 'policy/backup' }],
      },
      [leaf('openai/a'), leaf('openai/b'), backup],
    );
    expect(planAttempts(chain, context())).toEqual([
      { model: 'openai/a', retries: 1 },
      { model: 'openai/b', retries: 2 },
      { model: 'mock/echo', retries: 0 },
    ]);
  });

  it('tries each model once even when nested policies repeat it', () => {
    const again = node({ name: 'again', type: 'fallback', models: [{ model: 'openai/a' }, { model: 'openai/c' }] });
    const chain = node({ name: 'outer', type: 'fallback', models: [{ model: 'openai/a' }, { model: 'policy/again' }] }, [
      leaf('openai/a'),
      again,
    ]);
    expect(planAttempts(chain, context()).map((attempt) => attempt.model)).toEqual(['openai/a', 'openai/c']);
  });

  it('load-balances by weight across many conversations, then falls back to the others', () => {
    const firsts = Array.from({ length: 10_000 }, (_, i) => planAttempts(spread, context({ stickinessKey: `t-${i}` })));
    const share = firsts.filter((plan) => plan[0]?.model === 'openai/a').length / firsts.length;
    expect(share).toBeGreaterThan(0.67);
    expect(share).toBeLessThan(0.73);
    for (const plan of firsts.slice(0, 50)) expect(plan.map((attempt) => attempt.model).sort()).toEqual(['openai/a', 'openai/b']);
  });

  it('keeps one conversation on one model', () => {
    const models = new Set(
      Array.from({ length: 20 }, () => planAttempts(spread, context({ stickinessKey: 'conversation-42', random: Math.random }))[0]?.model),
    );
    expect(models.size).toBe(1);
  });

  it('orders a latency policy by recent median, fastest first', () => {
    const latency = new LatencyStats();
    for (const ms of [300, 320, 310]) latency.record('openai/slow', 'stream', ms, 999_000);
    for (const ms of [90, 120, 100]) latency.record('openai/fast', 'stream', ms, 999_000);
    for (const ms of [10, 10, 10]) latency.record('openai/fast', 'complete', ms, 999_000);
    const fastest = node({ name: 'fastest', type: 'latency', models: [{ model: 'openai/slow' }, { model: 'openai/fast' }] });
    expect(planAttempts(fastest, context({ latency, random: () => 0.99 })).map((a) => a.model)).toEqual([
      'openai/fast',
      'openai/slow',
    ]);
  });

  it('explores an unmeasured model on a small share of requests', () => {
    const latency = new LatencyStats();
    latency.record('openai/known', 'stream', 100, 999_000);
    const fastest = node({ name: 'fastest', type: 'latency', models: [{ model: 'openai/known' }, { model: 'openai/new' }] });
    const random = seeded(7);
    const firsts = Array.from({ length: 2_000 }, () => planAttempts(fastest, context({ latency, random }))[0]?.model);
    const explored = firsts.filter((model) => model === 'openai/new').length / firsts.length;
    expect(explored).toBeGreaterThan(0.07);
    expect(explored).toBeLessThan(0.13);
  });

  it('forgets samples older than the window', () => {
    const latency = new LatencyStats({ windowSize: 100, windowMs: 60_000 });
    latency.record('openai/a', 'stream', 100, 0);
    expect(latency.median('openai/a', 'stream', 30_000)).toBe(100);
    expect(latency.median('openai/a', 'stream', 61_000)).toBeUndefined();
  });
});
