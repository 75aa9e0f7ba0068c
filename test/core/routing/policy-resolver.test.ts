import { describe, expect, it } from 'vitest';
import { GatewayError, StoreUnavailableError } from '../../../lambdas/core/errors.js';
import { codeOf } from '../../support/error-code.js';
import { cachedPolicyLookup, resolvePolicyTree, type PolicyLookup } from '../../../lambdas/core/routing/policy-resolver.js';
import type { Policy } from '../../../lambdas/core/routing/policy-schema.js';
import type { PolicyScope, PolicyStore } from '../../../lambdas/ports/policy-store.js';

/** The policy port in memory (only `get` is read by the lookup), failing while `down`. */
function fakePolicies(policies: Policy[]) {
  const fake = {
    down: false,
    store: {
      get: async (scope: PolicyScope, name: string) => {
        if (fake.down) throw new StoreUnavailableError('The store is unavailable.', 1);
        return policies.find((policy) => policy.name === name && (scope.kind === 'org' ? !policy.api_key_id : policy.api_key_id === scope.apiKeyId));
      },
      list: async () => ({ policies, nextCursor: undefined }),
      listScope: async () => policies,
      create: async () => false,
      replace: async () => false,
      delete: async () => false,
    } satisfies PolicyStore,
  };
  return fake;
}

const outer: Policy = { name: 'outer', type: 'fallback', models: [{ model: 'mock/fail-503', retries: 0 }, { model: 'policy/inner', retries: 0 }] };
const inner: Policy = { name: 'inner', type: 'fallback', models: [{ model: 'mock/echo', retries: 0 }] };

describe('cachedPolicyLookup', () => {
  it('resolves a nested policy from what it last read while the store is unavailable, within the stale-if-error window', async () => {
    const clock = { time: 0, now: () => clock.time };
    const policies = fakePolicies([outer, inner]);
    const lookup = cachedPolicyLookup(policies.store, clock, 5_000, 60_000);
    const tree = await resolvePolicyTree('outer', 'key_1', lookup);
    policies.down = true;
    clock.time += 64_999;
    expect(await resolvePolicyTree('outer', 'key_1', lookup)).toEqual(tree);
    clock.time += 1;
    expect(await codeOf(resolvePolicyTree('outer', 'key_1', lookup))).toBe('503 store_unavailable');
  });

  it('answers 503 rather than "no such policy" for a policy it never read', async () => {
    const clock = { time: 0, now: () => clock.time };
    const policies = fakePolicies([outer, inner]);
    const lookup = cachedPolicyLookup(policies.store, clock, 5_000, 60_000);
    await resolvePolicyTree('inner', 'key_1', lookup);
    policies.down = true;
    expect(await codeOf(resolvePolicyTree('inner', 'key_1', lookup))).toBeUndefined();
    expect(await codeOf(resolvePolicyTree('inner', 'key_2', lookup))).toBe('503 store_unavailable');
    expect(await codeOf(resolvePolicyTree('outer', 'key_1', lookup))).toBe('503 store_unavailable');
  });
});

describe('resolvePolicyTree', () => {
  it('answers a name no policy can have with model_not_found, without asking the store (which would refuse it as a key)', async () => {
    const asked: string[] = [];
    const lookup: PolicyLookup = async (name) => {
      asked.push(name);
      return undefined;
    };
    for (const name of ['', 'a'.repeat(65), 'no spaces', 'é']) {
      const error = await resolvePolicyTree(name, undefined, lookup).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 404, code: 'model_not_found' });
    }
    expect(asked).toEqual([]);
    await resolvePolicyTree('fine_name-1', undefined, lookup).catch(() => undefined);
    expect(asked).toEqual(['fine_name-1']);
  });
});
