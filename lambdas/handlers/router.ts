import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { readJsonSecret } from '../adapters/secrets/secrets-manager-json.js';
import { dynamoDbClient, gatewayDeps, parseGatewayEnv } from './gateway-env.js';
import { originGuard } from './origin-guard.js';
import { createRouterHandler } from './router-handler.js';

const deployedEnvSchema = z.object({
  ORIGIN_VERIFY_SECRET_ARN: z.string().min(1),
  PROVIDER_SECRET_ARNS: z.string().transform((text) => z.record(z.string(), z.string()).parse(JSON.parse(text))),
});
/** `previous` keeps the old value valid while CloudFront rolls out a new one. */
const originSecretSchema = z.object({ current: z.string().min(32), previous: z.string().optional() });
/** An empty secret (`{}`) leaves its provider unconfigured until someone sets a key. */
const providerSecretSchema = z.object({ apiKey: z.string().min(1).optional(), baseUrl: z.url().optional() });

/** Lambda entry: the router composed from its environment and its secrets, read once per cold start. */
export const handler = createRouterHandler(async () => {
  const env = parseGatewayEnv(process.env);
  const deployed = deployedEnvSchema.parse(process.env);
  const secrets = new SecretsManagerClient({ region: env.AWS_REGION });
  const [origin, ...providers] = await Promise.all([
    readJsonSecret(secrets, deployed.ORIGIN_VERIFY_SECRET_ARN, originSecretSchema),
    ...Object.entries(deployed.PROVIDER_SECRET_ARNS).map(async ([id, arn]) => {
      const { apiKey, baseUrl } = await readJsonSecret(secrets, arn, providerSecretSchema);
      return [id, { ...(apiKey ? { apiKey } : {}), ...(baseUrl ? { baseUrl } : {}) }] as const;
    }),
  ]);
  return {
    deps: gatewayDeps(env, dynamoDbClient(env), Object.fromEntries(providers)),
    isFromOrigin: originGuard([origin.current, origin.previous ?? '']),
  };
});
