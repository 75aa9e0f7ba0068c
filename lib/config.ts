import { z } from 'zod';

export const euRegion = 'eu-central-1';

const cloudWatchRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1');

/** A custom domain for one stack's CloudFront distribution; the certificate must be in us-east-1. */
const domainSchema = z
  .object({
    name: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a domain name such as llm.example.com'),
    certificateArn: z.string().regex(/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, 'must be an ACM certificate ARN in us-east-1'),
  })
  .strict();

const stackSchema = z
  .object({
    domain: domainSchema.optional(),
    /** Reserved concurrency of the router Lambda; omit for the account's shared pool. */
    routerReservedConcurrency: z.number().int().min(1).max(10_000).optional(),
    /** An existing CloudFront-scope WAF web ACL (in us-east-1) to attach instead of creating one. */
    webAclArn: z.string().regex(/^arn:aws[\w-]*:wafv2:us-east-1:\d{12}:global\/webacl\/.+$/, 'must be a CloudFront-scope WAFv2 web ACL ARN').optional(),
  })
  .strict();

/** Typed `switchboard` context from cdk.json (or `-c switchboard=...`), checked at synth time. */
export const switchboardConfigSchema = z
  .object({
    /** The region of the home stack. */
    homeRegion: region.default('us-east-1'),
    /** The AWS account, when stacks must be pinned to one; omit to deploy to the CLI's account. */
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
    /** Added to the catalog's prices in reported costs: 0 at cost, 0.05 for Requesty's 5%. */
    markup: z.number().min(0).max(10).default(0),
    /** Ask OpenAI-protocol providers for JSON answers as JSON and pass them on (the router's SWITCHBOARD_UPSTREAM_JSON). */
    upstreamJson: z.boolean().default(false),
    /** Production: tables and log buckets are retained, tables protected from deletion. */
    production: z.boolean().default(false),
    /** Which stacks the app contains. */
    stacks: z.array(z.enum(['home', 'eu'])).min(1).default(['home', 'eu']),
    home: stackSchema.default({}),
    eu: stackSchema
      .extend({
        /** Let the EU router call models whose inference runs outside the EU. */
        allowNonEuModels: z.boolean().default(false),
      })
      .default({ allowNonEuModels: false }),
    /** Days the Lambdas' own logs are kept: one of CloudWatch's retention periods. */
    logRetentionDays: z
      .number()
      .refine((days) => cloudWatchRetentionDays.includes(days), {
        message: `must be one of ${cloudWatchRetentionDays.join(', ')}`,
      })
      .default(30),
    requestLogs: z
      .object({
        /** Days before request logs move to S3 Infrequent Access. */
        infrequentAccessAfterDays: z.number().int().min(30).default(30),
        /** Days after which request logs are deleted. */
        expireAfterDays: z.number().int().min(1).default(400),
      })
      .strict()
      .default({ infrequentAccessAfterDays: 30, expireAfterDays: 400 })
      .refine((logs) => logs.expireAfterDays > logs.infrequentAccessAfterDays, {
        message: 'expireAfterDays must be later than infrequentAccessAfterDays',
      }),
    /** A WAF web ACL with a per-IP rate limit in front of CloudFront (requests per 5 minutes). */
    waf: z
      .object({ enabled: z.boolean().default(false), ratePer5Minutes: z.number().int().min(100).default(2_000) })
      .strict()
      .default({ enabled: false, ratePer5Minutes: 2_000 }),
    /** Active X-Ray tracing on the Lambdas. */
    tracing: z.boolean().default(false),
    /** Where alarm notifications go, in addition to the SNS topic. */
    alarmEmail: z.email().optional(),
  })
  .strict()
  .refine((config) => !(config.homeRegion === euRegion && config.stacks.includes('home') && config.stacks.includes('eu')), {
    message: `the home region is ${euRegion} already: deploy only the "home" stack, or move the home region`,
    path: ['stacks'],
  });

export type SwitchboardConfig = z.infer<typeof switchboardConfigSchema>;

export function parseSwitchboardConfig(context: unknown): SwitchboardConfig {
  const parsed = switchboardConfigSchema.safeParse(context ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `switchboard.${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`Invalid cdk.json context:\n  ${problems.join('\n  ')}`);
}
