import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../lambdas/core/errors.js';
import { resolvePolicyTree, type PolicyLookup } from '../../../lambdas/core/routing/policy-resolver.js';

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
