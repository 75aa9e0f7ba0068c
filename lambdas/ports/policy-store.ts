import type { Policy } from '../core/routing/policy-schema.js';

/** Where a policy applies: the whole organisation, or one API key (which wins). */
export type PolicyScope = { kind: 'org' } | { kind: 'key'; apiKeyId: string };

export interface PolicyPage {
  policies: Policy[];
  nextCursor: string | undefined;
}

export interface PolicyStore {
  get(scope: PolicyScope, name: string): Promise<Policy | undefined>;
  /** Every policy of every scope, a page at a time. */
  list(limit: number, cursor: string | undefined): Promise<PolicyPage>;
  /** Policies of one scope, all of them (a scope holds few). */
  listScope(scope: PolicyScope): Promise<Policy[]>;
  /** Stores a new policy; false when one of that name exists in its scope. */
  create(policy: Policy): Promise<boolean>;
  /** Replaces an existing policy; false when there is none. */
  replace(policy: Policy): Promise<boolean>;
  /** Removes a policy; false when there was none. */
  delete(scope: PolicyScope, name: string): Promise<boolean>;
}

export function scopeOf(policy: Pick<Policy, 'api_key_id'>): PolicyScope {
  return policy.api_key_id ? { kind: 'key', apiKeyId: policy.api_key_id } : { kind: 'org' };
}
