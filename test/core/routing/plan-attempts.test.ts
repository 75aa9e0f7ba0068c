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

  it('spreads sequential ids by weight, also ids that differ only in their last character', () => {
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
    const idSets = {
      sequential: Array.from({ length: 10_000 }, (_, i) => `trace-${i}`),
      lastCharacter: Array.from({ length: 10_000 }, (_, i) => `conv-${String(Math.floor(i / 36)).padStart(3, '0')}${alphabet[i % 36]}`),
      hex: Array.from({ length: 10_000 }, (_, i) => `req_${(0x1000 + i).toString(16)}`),
    };
    // Policy names for which FNV-1a alone missed a weight by more than 3 points.
    for (const name of ['spread', 'gpt-split', 'A', 'weights']) {
      for (const weights of [[50, 30, 20], [10, 90]]) {
        const models = weights.map((_, i) => `openai/m${i}`);
        const balanced = node({ name, type: 'load_balancing', models: models.map((model, i) => ({ model, weight: weights[i] })) });
        for (const ids of Object.values(idSets)) {
          const counts = new Map<string, number>();
          for (const id of ids) {
            const first = planAttempts(balanced, context({ stickinessKey: id }))[0]?.model ?? '';
            counts.set(first, (counts.get(first) ?? 0) + 1);
          }
          models.forEach((model, i) => {
            const share = (counts.get(model) ?? 0) / ids.length;
            expect(Math.abs(share * 100 - (weights[i] ?? 0)), `${name} ${weights.join('/')} ${model} ${ids[0]}…`).toBeLessThanOrEqual(3);
          });
        }
      }
    }
  });

  it('keeps one conversation on one model', () => {
    for (const id of ['conversation-42', 'trace-7', 'trace-8']) {
      const models = new Set(
        Array.from({ length: 20 }, () => planAttempts(spread, context({ stickinessKey: id, random: Math.random }))[0]?.model),
      );
      expect(models.size).toBe(1);
    }
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
