import { parseDefaultPrice } from '../core/catalog/priced-entry.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { Authenticator } from '../core/auth/authenticator.js';
import { DynamoDbKeyStore } from '../adapters/dynamodb/dynamodb-key-store.js';
import { sdkBedrockRuntime } from '../adapters/bedrock/sdk-bedrock-runtime.js';
import { undiciHttpClient } from '../adapters/undici/undici-http-client.js';
import type { GatewayDeps } from '../gateway/gateway-config.js';
import type { ProviderCredentials } from '../core/providers/provider.js';
import { vertexCredentialsFromEnv } from './vertex-env.js';
import { DynamoDbDirectoryStore } from '../adapters/dynamodb/dynamodb-directory-store.js';
import { DynamoDbPolicyStore } from '../adapters/dynamodb/dynamodb-policy-store.js';
import { DynamoDbUsageStore, type UsageWrites } from '../adapters/dynamodb/dynamodb-usage-store.js';
import { guardStore, type StoreGuardOptions } from '../adapters/dynamodb/store-guard.js';
import { openAICompatiblePresets } from '../core/providers/openai/openai-compatible-presets.js';
import { chatProviders } from '../core/providers/registry.js';
import { CircuitBreaker } from '../core/routing/circuit-breaker.js';
import { LatencyStats } from '../core/routing/latency-stats.js';
import { cachedPolicyListing, cachedPolicyLookup } from '../core/routing/policy-resolver.js';
import { cachedDirectoryLookup } from '../core/accounting/directory-lookup.js';
import type { ManagementDeps } from '../gateway/manage/management-deps.js';
import { systemClock } from '../ports/clock.js';
import { defaultCapturedHeaders } from '../core/request-log/captured-headers.js';
import type { FunctionRuntime } from './function-url-runtime.js';
import { requestLogEnvSchema, requestLogSink } from './request-log-env.js';
import { usageDeadLetters } from './usage-dead-letters-env.js';
import { alertManagement, alertPipeline, alertWatch, type AlertPipeline } from './alerts-env.js';

const milliseconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

/** The environment both runtimes configure the gateway with; documented in the README. */
export const gatewayEnvSchema = z.object({
  KEYS_TABLE: z.string().min(1).default('switchboard-keys'),
  POLICIES_TABLE: z.string().min(1).default('switchboard-policies'),
  USAGE_TABLE: z.string().min(1).default('switchboard-usage'),
  DIRECTORY_TABLE: z.string().min(1).default('switchboard-directory'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  SWITCHBOARD_MAX_BODY_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  SWITCHBOARD_HEADERS_TIMEOUT_MS: milliseconds(10_000),
  SWITCHBOARD_FIRST_TOKEN_TIMEOUT_MS: milliseconds(300_000),
  SWITCHBOARD_IDLE_TIMEOUT_MS: milliseconds(120_000),
  SWITCHBOARD_KEY_CACHE_TTL_MS: milliseconds(10_000),
  // Inside Lambda's 15 minutes, so a request the gateway gives up on still gets its answer.
  SWITCHBOARD_DEADLINE_MS: milliseconds(840_000).pipe(z.number().max(840_000)),
  // Both below CloudFront's 60 s origin read timeout, which cuts a response silent for longer.
  SWITCHBOARD_RESPONSE_START_MS: milliseconds(30_000).pipe(z.number().max(55_000)),
  SWITCHBOARD_KEEPALIVE_MS: milliseconds(15_000).pipe(z.number().max(55_000)),
  SWITCHBOARD_POLICY_CACHE_TTL_MS: milliseconds(5_000),
  SWITCHBOARD_EXPLORATION_RATE: z.coerce.number().min(0).max(1).default(0.1),
  SWITCHBOARD_BREAKER_THRESHOLD: z.coerce.number().int().positive().default(5),
  SWITCHBOARD_BREAKER_COOLDOWN_MS: milliseconds(30_000),
  SWITCHBOARD_MARKUP: z.coerce.number().min(0).max(10).default(0),
  SWITCHBOARD_UNPRICED_MODEL_PRICE: z.string().optional(),
  SWITCHBOARD_EU_ONLY: flag,
  SWITCHBOARD_UPSTREAM_JSON: flag,
  SWITCHBOARD_DAILY_COUNTERS: flag,
  /** Request headers recorded into `extra`, comma-separated; `none` records none. */
  SWITCHBOARD_CAPTURE_HEADERS: z
    .string()
    .default(defaultCapturedHeaders.join(','))
    .transform((list) => (list.trim() === 'none' ? [] : list.split(',').map((name) => name.trim()).filter(Boolean))),
  /** Where unwritable usage goes: see usageDeadLetters. */
  USAGE_DEAD_LETTER_QUEUE_URL: z.url().optional(),
  /** Alerts (see alerts-env.ts and the README's Alerts): the bus, the dead letters, the key webhook secrets are sealed with. */
  ALERT_EVENT_BUS_NAME: z.string().min(1).optional(),
  ALERT_DEAD_LETTER_QUEUE_URL: z.url().optional(),
  WEBHOOK_KEY_SECRET_ARN: z.string().min(1).optional(),
  SWITCHBOARD_WEBHOOK_KEY: z.string().min(32).optional(),
  /** Lets webhooks go to this machine (http or https, loopback addresses): `npm start` only, never the stacks. */
  SWITCHBOARD_WEBHOOKS_ALLOW_LOOPBACK: flag,
  SWITCHBOARD_WEBHOOK_TIMEOUT_MS: milliseconds(15_000),
  SWITCHBOARD_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(0).default(2_000),
  SWITCHBOARD_DATA_DIR: z.string().min(1).optional(),
  /** Where request-log records go: see requestLogSink. */
  ...requestLogEnvSchema.shape,
  /**
   * `true` where the usage fold runs (the stacks set it): a settlement without a hold is
   * recorded as one item and added to the counters by the fold (see DynamoDbUsageStore).
   */
  SWITCHBOARD_USAGE_FOLD: flag,
  /** When usage is written: see usageWrites. */
  SWITCHBOARD_USAGE_WRITES: z.union([z.enum(['after-response', 'sync']), z.coerce.number().int().min(1).max(60_000)]).default('after-response'),
  /** The store (DynamoDB) down or slow: see dynamoDbClient, and the README's Store outage. */
  SWITCHBOARD_STORE_CONNECT_TIMEOUT_MS: milliseconds(1_000),
  SWITCHBOARD_STORE_TIMEOUT_MS: milliseconds(2_000),
  SWITCHBOARD_STORE_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  SWITCHBOARD_STORE_DEADLINE_MS: milliseconds(5_000),
  SWITCHBOARD_STORE_COOLDOWN_MS: milliseconds(1_000),
  SWITCHBOARD_STORE_STALE_MS: z.coerce.number().int().min(0).default(15 * 60_000),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

/** A variable set to the empty string counts as unset, as in most shells' `VAR= cmd`. */
export function parseGatewayEnv(env: NodeJS.ProcessEnv): GatewayEnv {
  const parsed = gatewayEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new Error(`Invalid gateway configuration: ${problems}`);
}

/**
 * The DynamoDB client every store shares. The SDK's defaults wait for ever on a store that
 * accepts connections and never answers; here each attempt has a connection and a response
 * limit, a call has a few attempts and one deadline for all of them, and an unavailable store
 * is one error (503 `store_unavailable`, see store-guard.ts). A healthy store never meets them.
 */
export function dynamoDbClient(env: GatewayEnv, guard: Partial<Pick<StoreGuardOptions, 'clock' | 'log'>> = {}): DynamoDBClient {
  const client = new DynamoDBClient({
    region: env.AWS_REGION,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    // DynamoDB Local accepts any credentials; a machine with none configured must still work.
    ...(env.DYNAMODB_ENDPOINT && !env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: env.SWITCHBOARD_STORE_ATTEMPTS,
    requestHandler: {
      connectionTimeout: env.SWITCHBOARD_STORE_CONNECT_TIMEOUT_MS,
      requestTimeout: env.SWITCHBOARD_STORE_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      // Also the longest silence while an answer's body arrives.
      socketTimeout: env.SWITCHBOARD_STORE_TIMEOUT_MS,
    },
  });
  guardStore(client, {
    deadlineMs: env.SWITCHBOARD_STORE_DEADLINE_MS,
    cooldownMs: env.SWITCHBOARD_STORE_COOLDOWN_MS,
    clock: guard.clock ?? systemClock,
    log: guard.log ?? ((line) => console.error(line)),
  });
  return client;
}

/** The prefix of each provider's conventional variables: `<PREFIX>_API_KEY`, `<PREFIX>_BASE_URL`. */
export const providerEnvPrefixes: Readonly<Record<string, string>> = {
  ...Object.fromEntries(openAICompatiblePresets.map((preset) => [preset.id, preset.envPrefix])),
  anthropic: 'ANTHROPIC',
  google: 'GEMINI',
  vertex: 'VERTEX',
};

const providerEnvSchema = z.object({
  apiKey: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  apiVersion: z.string().min(1).optional(),
});

/** Local mode: provider endpoints and keys from the conventional environment variables. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): GatewayDeps['credentials'] {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  const credentials: Record<string, ProviderCredentials> = Object.fromEntries(
    Object.entries(providerEnvPrefixes).map(([provider, prefix]) => {
      const parsed = providerEnvSchema.safeParse({
        apiKey: value(`${prefix}_API_KEY`),
        baseUrl: value(`${prefix}_BASE_URL`),
        apiVersion: value(`${prefix}_API_VERSION`),
      });
      if (!parsed.success) throw new Error(`Invalid configuration: ${prefix}_BASE_URL must be a URL.`);
      return [provider, Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined))];
    }),
  );
  return { ...credentials, vertex: { ...credentials.vertex, ...vertexCredentialsFromEnv(env) } };
}

function authenticator(env: GatewayEnv, dynamodb: DynamoDBClient): Authenticator {
  return new Authenticator({
    store: new DynamoDbKeyStore(dynamodb, env.KEYS_TABLE),
    clock: systemClock,
    cacheTtlMs: env.SWITCHBOARD_KEY_CACHE_TTL_MS,
    cacheMaxEntries: 10_000,
    staleIfErrorMs: env.SWITCHBOARD_STORE_STALE_MS,
  });
}

export function gatewayDeps(
  env: GatewayEnv,
  dynamodb: DynamoDBClient,
  credentials: GatewayDeps['credentials'],
  alerts: AlertPipeline = alertPipeline(env, dynamodb),
): GatewayDeps {
  const directory = new DynamoDbDirectoryStore(dynamodb, env.DIRECTORY_TABLE);
  const usage = new DynamoDbUsageStore(dynamodb, env.USAGE_TABLE, usageWrites(env), {
    deadLetters: usageDeadLetters(env, dynamodb),
    foldUnheld: env.SWITCHBOARD_USAGE_FOLD,
  });
  const policies = new DynamoDbPolicyStore(dynamodb, env.POLICIES_TABLE);
  return {
    authenticator: authenticator(env, dynamodb),
    // Bedrock runs models without an @region in the gateway's own region.
    credentials: { ...credentials, bedrock: { region: env.AWS_REGION, ...credentials.bedrock } },
    http: undiciHttpClient(),
    bedrock: sdkBedrockRuntime(),
    clock: systemClock,
    policies: cachedPolicyLookup(policies, systemClock, env.SWITCHBOARD_POLICY_CACHE_TTL_MS, env.SWITCHBOARD_STORE_STALE_MS),
    policyListing: cachedPolicyListing(policies, systemClock, env.SWITCHBOARD_POLICY_CACHE_TTL_MS, env.SWITCHBOARD_STORE_STALE_MS),
    directory: cachedDirectoryLookup(directory, systemClock, env.SWITCHBOARD_POLICY_CACHE_TTL_MS, env.SWITCHBOARD_STORE_STALE_MS),
    usage,
    alerts: alertWatch(env, dynamodb, alerts, usage, directory),
    dailyCounters: env.SWITCHBOARD_DAILY_COUNTERS,
    capturedHeaders: env.SWITCHBOARD_CAPTURE_HEADERS,
    requestLog: requestLogSink(env, dynamodb),
    region: env.AWS_REGION,
    routing: {
      breaker: new CircuitBreaker({
        failureThreshold: env.SWITCHBOARD_BREAKER_THRESHOLD,
        cooldownMs: env.SWITCHBOARD_BREAKER_COOLDOWN_MS,
      }),
      latency: new LatencyStats(),
    },
    markup: env.SWITCHBOARD_MARKUP,
    ...(env.SWITCHBOARD_UNPRICED_MODEL_PRICE ? { unpricedModelPrice: parseDefaultPrice(env.SWITCHBOARD_UNPRICED_MODEL_PRICE) } : {}),
    random: Math.random,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    limits: {
      maxBodyBytes: env.SWITCHBOARD_MAX_BODY_BYTES,
      headersTimeoutMs: env.SWITCHBOARD_HEADERS_TIMEOUT_MS,
      firstTokenTimeoutMs: env.SWITCHBOARD_FIRST_TOKEN_TIMEOUT_MS,
      idleTimeoutMs: env.SWITCHBOARD_IDLE_TIMEOUT_MS,
      deadlineMs: env.SWITCHBOARD_DEADLINE_MS,
      responseStartMs: env.SWITCHBOARD_RESPONSE_START_MS,
      keepAliveMs: env.SWITCHBOARD_KEEPALIVE_MS,
      explorationRate: env.SWITCHBOARD_EXPLORATION_RATE,
      euOnly: env.SWITCHBOARD_EU_ONLY,
      upstreamJson: env.SWITCHBOARD_UPSTREAM_JSON,
    },
  };
}

/**
 * `after-response` (the default, and Lambda's): written once the response has ended, before the
 * invocation does (see routerRuntime); `sync`: before the response ends; a number: every that
 * many milliseconds (a long-running server).
 */
function usageWrites(env: GatewayEnv): UsageWrites {
  const writes = env.SWITCHBOARD_USAGE_WRITES;
  if (writes === 'after-response') return 'on-flush';
  return writes === 'sync' ? 'sync' : { everyMs: writes };
}

/**
 * The router's runtime: its dependencies and the work left for after each response: the request
 * log always; when usage is written after the response, that write, then the request's spend
 * alerts (judged on the spend just written, published on the bus). Log and spend start together;
 * a failed usage write still fails the invocation, once the log is written.
 */
export function routerRuntime(env: GatewayEnv, deps: GatewayDeps): FunctionRuntime<GatewayDeps> {
  const usageAfterResponse = env.SWITCHBOARD_USAGE_WRITES === 'after-response';
  const spend = async () => {
    if (!usageAfterResponse) return;
    await deps.usage.flush();
    await deps.alerts.flush();
  };
  return {
    deps,
    afterResponse: async () => {
      const [usage] = await Promise.allSettled([spend(), deps.requestLog.flush()]);
      if (usage.status === 'rejected') throw usage.reason;
    },
  };
}

export function managementDeps(env: GatewayEnv, dynamodb: DynamoDBClient, alerts: AlertPipeline = alertPipeline(env, dynamodb)): ManagementDeps {
  return {
    authenticator: authenticator(env, dynamodb),
    policies: new DynamoDbPolicyStore(dynamodb, env.POLICIES_TABLE),
    keys: new DynamoDbKeyStore(dynamodb, env.KEYS_TABLE),
    usage: new DynamoDbUsageStore(dynamodb, env.USAGE_TABLE),
    directory: new DynamoDbDirectoryStore(dynamodb, env.DIRECTORY_TABLE),
    alerts: alertManagement(env, dynamodb, alerts),
    dailyCounters: env.SWITCHBOARD_DAILY_COUNTERS,
    region: env.AWS_REGION,
    providers: chatProviders,
    credentials: {},
    limits: { maxBodyBytes: env.SWITCHBOARD_MAX_BODY_BYTES },
  };
}
