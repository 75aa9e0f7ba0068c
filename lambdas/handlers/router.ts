import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { secretsManagerReader } from '../adapters/secrets/secrets-manager-json.js';
import { deployedOriginGuard } from './deployed-runtime.js';
import { dynamoDbClient, gatewayDeps, parseGatewayEnv, routerRuntime } from './gateway-env.js';
import { loadProviderCredentials } from './load-provider-credentials.js';
import { createRouterHandler } from './router-handler.js';

const providerSecretArnsSchema = z
  .string()
  .transform((text) => z.record(z.string(), z.string()).parse(JSON.parse(text)));

/**
 * Lambda entry: the router composed from its environment and its secrets, read once per cold
 * start. A provider whose secret is unusable is logged here once and refuses its calls; the
 * other providers serve as usual.
 */
export const handler = createRouterHandler(async () => {
  const env = parseGatewayEnv(process.env);
  const read = secretsManagerReader(new SecretsManagerClient({ region: env.AWS_REGION }));
  const providerArns = providerSecretArnsSchema.parse(process.env.PROVIDER_SECRET_ARNS);
  const [isFromOrigin, providers] = await Promise.all([
    deployedOriginGuard(read, process.env),
    loadProviderCredentials(providerArns, read),
  ]);
  for (const { provider, secretArn, reason } of providers.problems) {
    console.error(JSON.stringify({ level: 'error', msg: 'provider misconfigured', provider, secret: secretArn, reason }));
  }
  return { ...routerRuntime(env, gatewayDeps(env, dynamoDbClient(env), providers.credentials)), isFromOrigin };
});
