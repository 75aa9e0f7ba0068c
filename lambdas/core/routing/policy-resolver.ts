import { GatewayError } from '../errors.js';
import { TtlCache } from '../ttl-cache.js';
import type { Clock } from '../../ports/clock.js';
import type { PolicyScope, PolicyStore } from '../../ports/policy-store.js';
import { policyNameOf, policyNamePattern, type Policy } from './policy-schema.js';
import type { PolicyNode } from './policy-tree.js';

/** Looks a policy up by name as seen from one API key: its own policies first, then the org's. */
export type PolicyLookup = (name: string, apiKeyId: string | undefined) => Promise<Policy | undefined>;

const maxDepth = 8;

/**
 * Resolves `policy/<name>` into a tree, following nested policies. A missing policy is a
 * `model_not_found`; a cycle (possible only through concurrent edits, since writes are
 * validated) is refused rather than followed.
 */
export async function resolvePolicyTree(
  name: string,
  apiKeyId: string | undefined,
  lookup: PolicyLookup,
  path: readonly string[] = [],
): Promise<PolicyNode> {
  if (path.includes(name) || path.length >= maxDepth) {
    throw new GatewayError(400, 'invalid_policy', `policy/${name} refers back to itself (${[...path, name].join(' → ')}).`, {
      param: 'model',
    });
  }
  // A name no policy can have (`policy/`, an over-long one) is not looked up: the store would refuse it as a key.
  const policy = policyNamePattern.test(name) ? await lookup(name, apiKeyId) : undefined;
  if (!policy) {
    throw new GatewayError(404, 'model_not_found', `No routing policy named "${name}".`, {
      param: 'model',
      type: 'invalid_request_error',
    });
  }
  const children = await Promise.all(
    policy.models.map(async ({ model }): Promise<PolicyNode> => {
      const nested = policyNameOf(model);
      return nested === undefined
        ? { kind: 'model', model }
        : resolvePolicyTree(nested, apiKeyId, lookup, [...path, name]);
    }),
  );
  return { kind: 'policy', policy, children };
}

/**
 * A PolicyLookup over a store with a short in-memory cache, so the hot path reads DynamoDB at
 * most once per policy and TTL while an edit still takes effect within seconds. While the store
 * is unavailable, a policy read up to `staleIfErrorMs` before is still used; else the lookup
 * fails (503).
 */
export function cachedPolicyLookup(store: PolicyStore, clock: Clock, ttlMs: number, staleIfErrorMs = 0): PolicyLookup {
  const cache = new TtlCache<Policy | undefined>(ttlMs, 1_000, staleIfErrorMs);
  const read = async (scope: PolicyScope, name: string): Promise<Policy | undefined> => {
    const key = scope.kind === 'org' ? `org/${name}` : `key#${scope.apiKeyId}/${name}`;
    return cache.through(key, clock, () => store.get(scope, name));
  };
  return async (name, apiKeyId) =>
    (apiKeyId ? await read({ kind: 'key', apiKeyId }, name) : undefined) ?? read({ kind: 'org' }, name);
}

/** The policies one API key may call by `policy/<name>`: its own, then the organisation's of other names. */
export type PolicyListing = (apiKeyId: string) => Promise<Policy[]>;

/** A PolicyListing over a store, each scope's list cached as single policies are (see cachedPolicyLookup). */
export function cachedPolicyListing(store: PolicyStore, clock: Clock, ttlMs: number, staleIfErrorMs = 0): PolicyListing {
  const cache = new TtlCache<Policy[]>(ttlMs, 1_000, staleIfErrorMs);
  const read = (scope: PolicyScope) =>
    cache.through(scope.kind === 'org' ? 'org' : `key#${scope.apiKeyId}`, clock, () => store.listScope(scope));
  return async (apiKeyId) => {
    const [own, org] = await Promise.all([read({ kind: 'key', apiKeyId }), read({ kind: 'org' })]);
    const ownNames = new Set(own.map((policy) => policy.name));
    return [...own, ...org.filter((policy) => !ownNames.has(policy.name))];
  };
}
