import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { readJsonSecret } from '../adapters/secrets/secrets-manager-json.js';
import { deployedOriginGuard } from './deployed-runtime.js';
import { dynamoDbClient, gatewayDeps, parseGatewayEnv, routerRuntime } from './gateway-env.js';
import { createRouterHandler } from './router-handler.js';

const providerSecretArnsSchema = z
  .string()
  .transform((text) => z.record(z.string(), z.string()).parse(JSON.parse(text)));
/** An empty secret (`{}`) leaves its provider unconfigured until someone sets a key. */
const providerSecretSchema = z.object({
  apiKey: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  apiVersion: z.string().min(1).optional(),
});

/** Lambda entry: the router composed from its environment and its secrets, read once per cold start. */
export const handler = createRouterHandler(async () => {
  const env = parseGatewayEnv(process.env);
  const secrets = new SecretsManagerClient({ region: env.AWS_REGION });
  const providerArns = providerSecretArnsSchema.parse(process.env.PROVIDER_SECRET_ARNS);
  const [isFromOrigin, ...providers] = await Promise.all([
    deployedOriginGuard(secrets, process.env),
    ...Object.entries(providerArns).map(async ([id, arn]) => {
      const credentials = await readJsonSecret(secrets, arn, providerSecretSchema);
      return [id, Object.fromEntries(Object.entries(credentials).filter(([, value]) => value !== undefined))] as const;
    }),
  ]);
  return { ...routerRuntime(env, gatewayDeps(env, dynamoDbClient(env), Object.fromEntries(providers))), isFromOrigin };
});
