import type { ProviderCall } from '../../lambdas/core/providers/provider.js';

/** A ProviderCall for provider tests: a fixed clock, generous timeouts, and no network unless given. */
export function providerCall(overrides: Partial<ProviderCall> & Pick<ProviderCall, 'model'>): ProviderCall {
  return {
    credentials: {},
    http: () => Promise.reject(new Error('this test gives no HttpClient')),
    clock: { now: () => Date.parse('2026-01-01T00:00:00Z') },
    headersTimeoutMs: 1000,
    idleTimeoutMs: 1000,
    deadlineAt: Number.MAX_SAFE_INTEGER,
    ...overrides,
  };
}
