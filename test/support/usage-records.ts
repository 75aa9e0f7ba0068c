import type { Counter, UsageRecord } from '../../lambdas/ports/usage-store.js';

/** A key's (or group's, or the organisation's) counter for November 2026. */
export const november = (owner: string): Counter => ({ owner, period: '2026-11' });

/** A request of `keyId` settled at `cost` micro-dollars in November 2026, tagged `team: search`. */
export function usageRecord(keyId: string, requestId: string, cost: number, fields: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId,
    keyId,
    at: Date.parse('2026-11-23T10:00:00Z'),
    model: 'mock/echo',
    cost,
    inputTokens: 3,
    outputTokens: 4,
    totalTokens: 7,
    extra: { team: 'search' },
    ...fields,
  };
}
