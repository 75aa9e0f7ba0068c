import type { SpendSubjects } from '../../../lambdas/core/alerts/crossed-alerts.js';

/** A key of the Engineering group, with a limit on each of key, group and organisation, and a prepaid balance. */
export const subjects: SpendSubjects = {
  region: 'us-east-1',
  period: { id: '2026-11', end: Date.UTC(2026, 11, 1) },
  key: { id: 'key_a', name: 'batch jobs', limit: 100_000_000 },
  group: { id: 'grp_e', name: 'Engineering', limit: 500_000_000 },
  org: { name: 'org_abc123', limit: 1_000_000_000, prepaidLimit: 300_000_000 },
  userId: 'alice@company.com',
};
