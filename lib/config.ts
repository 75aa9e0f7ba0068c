import { z } from 'zod';

/** Typed `switchboard` context from cdk.json (or `-c switchboard=...`), checked at synth time. */
export const switchboardConfigSchema = z.object({
  /** The region of the home stack. */
  homeRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1').default('us-east-1'),
  /** The AWS account, when stacks must be pinned to one; omit to deploy to the CLI's account. */
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
  /** Production: tables are retained and protected from deletion. */
  production: z.boolean().default(false),
});

export type SwitchboardConfig = z.infer<typeof switchboardConfigSchema>;

export function parseSwitchboardConfig(context: unknown): SwitchboardConfig {
  const parsed = switchboardConfigSchema.safeParse(context ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `switchboard.${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`Invalid cdk.json context:\n  ${problems.join('\n  ')}`);
}
