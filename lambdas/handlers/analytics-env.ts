import { setTimeout as sleep } from 'node:timers/promises';
import { AthenaClient } from '@aws-sdk/client-athena';
import { z } from 'zod';
import { AthenaAnalyticsEngine } from '../adapters/athena/athena-analytics-engine.js';
import { athenaSdkSend } from '../adapters/athena/athena-send.js';
import type { AnalyticsEngine } from '../ports/analytics-engine.js';
import { systemClock } from '../ports/clock.js';

/** The management function's analytics settings, set by the stack (lib/management-api.ts); documented in the README. */
export const analyticsEnvSchema = z.object({
  ATHENA_WORKGROUP: z.string().min(1).optional(),
  ATHENA_DATABASE: z.string().min(1).optional(),
  // Under the management function's 60 s timeout and CloudFront's 60 s wait for an answer.
  SWITCHBOARD_ANALYTICS_DEADLINE_MS: z.coerce.number().int().min(1_000).max(55_000).default(50_000),
  AWS_REGION: z.string().default('us-east-1'),
});

/** Athena in the deployment's workgroup; undefined when the environment names none (the API then answers 503). */
export function athenaAnalytics(env: NodeJS.ProcessEnv): AnalyticsEngine | undefined {
  const parsed = analyticsEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) throw new Error(`Invalid analytics configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const { ATHENA_WORKGROUP: workGroup, ATHENA_DATABASE: database } = parsed.data;
  if (!workGroup || !database) return undefined;
  return new AthenaAnalyticsEngine(athenaSdkSend(new AthenaClient({ region: parsed.data.AWS_REGION })), {
    workGroup,
    database,
    deadlineMs: parsed.data.SWITCHBOARD_ANALYTICS_DEADLINE_MS,
    clock: systemClock,
    sleep: (ms) => sleep(ms),
  });
}
