import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { Authenticator } from '../core/auth/authenticator.js';
import { DynamoDbKeyStore } from '../adapters/dynamodb/dynamodb-key-store.js';
import { undiciHttpClient } from '../adapters/undici/undici-http-client.js';
import type { GatewayDeps } from '../gateway/gateway-config.js';
import { systemClock } from '../ports/clock.js';

const milliseconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The environment both runtimes configure the gateway with; documented in the README. */
export const gatewayEnvSchema = z.object({
  KEYS_TABLE: z.string().min(1).default('switchboard-keys'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.url().optional(),
  SWITCHBOARD_MAX_BODY_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  SWITCHBOARD_FIRST_BYTE_TIMEOUT_MS: milliseconds(120_000),
  SWITCHBOARD_IDLE_TIMEOUT_MS: milliseconds(120_000),
  SWITCHBOARD_KEY_CACHE_TTL_MS: milliseconds(10_000),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

/** A variable set to the empty string counts as unset, as in most shells' `VAR= cmd`. */
export function parseGatewayEnv(env: NodeJS.ProcessEnv): GatewayEnv {
  const parsed = gatewayEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new Error(`Invalid gateway configuration: ${problems}`);
}

export function dynamoDbClient(env: GatewayEnv): DynamoDBClient {
  return new DynamoDBClient({
    region: env.AWS_REGION,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    // DynamoDB Local accepts any credentials; a machine with none configured must still work.
    ...(env.DYNAMODB_ENDPOINT && !env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
}

/** Local mode: provider endpoints and keys from the conventional environment variables. */
export function credentialsFromEnv(env: GatewayEnv): GatewayDeps['credentials'] {
  return {
    openai: {
      ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
      ...(env.OPENAI_BASE_URL ? { baseUrl: env.OPENAI_BASE_URL } : {}),
    },
  };
}

export function gatewayDeps(
  env: GatewayEnv,
  dynamodb: DynamoDBClient,
  credentials: GatewayDeps['credentials'],
): GatewayDeps {
  const clock = systemClock;
  return {
    authenticator: new Authenticator({
      store: new DynamoDbKeyStore(dynamodb, env.KEYS_TABLE),
      clock,
      cacheTtlMs: env.SWITCHBOARD_KEY_CACHE_TTL_MS,
      cacheMaxEntries: 10_000,
    }),
    credentials,
    http: undiciHttpClient(),
    clock,
    limits: {
      maxBodyBytes: env.SWITCHBOARD_MAX_BODY_BYTES,
      firstByteTimeoutMs: env.SWITCHBOARD_FIRST_BYTE_TIMEOUT_MS,
      idleTimeoutMs: env.SWITCHBOARD_IDLE_TIMEOUT_MS,
    },
  };
}
