import { describe, expect, it } from 'vitest';
import { chatProviders } from '../../../lambdas/core/providers/registry.js';
import type { PolicyLookup } from '../../../lambdas/core/routing/policy-resolver.js';
import { policySchema, type Policy } from '../../../lambdas/core/routing/policy-schema.js';
import { validatePolicy } from '../../../lambdas/core/routing/validate-policy.js';

function lookupOf(...stored: Policy[]): PolicyLookup {
  return async (name, apiKeyId) =>
    stored.find((policy) => policy.name === name && policy.api_key_id === apiKeyId) ??
    stored.find((policy) => policy.name === name && policy.api_key_id === undefined);
}

async function problem(
  document: unknown,
  lookup: PolicyLookup = lookupOf(),
  isApproved: (model: string) => boolean = () => true,
): Promise<unknown> {
  const parsed = policySchema.safeParse(document);
  if (!parsed.success) return { schema: parsed.error.issues[0]?.message, path: parsed.error.issues[0]?.path };
  return validatePolicy(parsed.data, lookup, chatProviders, isApproved).then(
    () => undefined,
    (error: { code: string; message: string; param: string }) => ({ code: error.code, message: error.message, param: error.param }),
  );
}

describe('policy validation', () => {
  it('accepts the documented examples', async () => {
    expect(await problem({ name: 'sonnet', type: 'fallback', models: [{ model: 'openai/gpt-4o', retries: 1 }, { model: 'mock/echo', retries: 2 }] })).toBeUndefined();
    expect(await problem({ name: 'spread', type: 'load_balancing', models: [{ model: 'openai/gpt-4o', weight: 70 }, { model: 'mock/echo', weight: 30 }] })).toBeUndefined();
    expect(await problem({ name: 'fastest', type: 'latency', models: [{ model: 'openai/gpt-4o' }, { model: 'mock/lorem' }] })).toBeUndefined();
  });

  it('refuses weights that do not sum to 100 and retries outside 0–10', async () => {
    expect(await problem({ name: 'x', type: 'load_balancing', models: [{ model: 'mock/echo', weight: 60 }, { model: 'mock/lorem', weight: 30 }] })).toEqual({
      schema: 'weights must sum to 100',
      path: ['models'],
    });
    expect(await problem({ name: 'x', type: 'fallback', models: [{ model: 'mock/echo', retries: 11 }] })).toMatchObject({ path: ['models', 0, 'retries'] });
    expect(await problem({ name: 'x', type: 'fallback', models: [{ model: 'mock/echo', retries: -1 }] })).toMatchObject({ path: ['models', 0, 'retries'] });
  });

  it('refuses models that are not approved', async () => {
    const onlyEcho = (model: string) => model === 'mock/echo';
    expect(await problem({ name: 'x', type: 'fallback', models: [{ model: 'mock/echo' }, { model: 'mock/lorem' }] }, lookupOf(), onlyEcho)).toMatchObject({
      code: 'model_not_allowed',
      param: 'models[1].model',
    });
    expect(await problem({ name: 'x', type: 'fallback', models: [{ model: 'mock/echo' }] }, lookupOf(), onlyEcho)).toBeUndefined();
  });

  it('refuses unknown providers, unknown mock models and missing nested policies', async () => {
    expect(await problem({ name: 'x', type: 'fallback', models: [{ model: 'nope/gpt' }] })).toMatchObject({ code: 'invalid_policy', param: 'models[0].model' });
    expect(await problem({ name: 'x', type: 'latency', models: [{ model: 'mock/echo' }, { model: 'mock/nonsense' }] })).toMatchObject({ param: 'models[1].model' });
    expect(await problem({ name: 'x', type: 'fallback', models: [{ model: 'policy/missing' }] })).toMatchObject({ code: 'invalid_policy', param: 'models' });
  });

  it('refuses cycles through nested policies, the policy itself included', async () => {
    const a = policySchema.parse({ name: 'a', type: 'fallback', models: [{ model: 'policy/b' }] });
    const b = policySchema.parse({ name: 'b', type: 'fallback', models: [{ model: 'mock/echo' }] });
    const cyclicB = { name: 'b', type: 'fallback', models: [{ model: 'policy/a' }] };
    expect(await problem(cyclicB, lookupOf(a, b))).toMatchObject({ code: 'invalid_policy', message: expect.stringContaining('b → a → b') });
    expect(await problem({ name: 'self', type: 'fallback', models: [{ model: 'policy/self' }] })).toMatchObject({ code: 'invalid_policy' });
  });

  it('refuses retries on a nested policy entry', async () => {
    const b = policySchema.parse({ name: 'b', type: 'fallback', models: [{ model: 'mock/echo' }] });
    expect(await problem({ name: 'a', type: 'fallback', models: [{ model: 'policy/b', retries: 2 }] }, lookupOf(b))).toMatchObject({ param: 'models[0].retries' });
  });
});
