import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { secretsManagerReader } from '../adapters/secrets/secrets-manager-json.js';
import { deployedOriginGuard } from './deployed-runtime.js';
import { dynamoDbClient, gatewayDeps, parseGatewayEnv, routerRuntime } from './gateway-env.js';
import { loadProviderCredentials } from './load-provider-credentials.js';
import { createRouterHandler } from './router-handler.js';

/**
 * Lambda entry: the router composed from its environment and its secrets, read once per cold
 * start. What is wrong with the provider secret is logged here once per cold start; a provider
 * whose entry is unusable refuses its calls, and the other providers serve as usual.
 */
export const handler = createRouterHandler(async () => {
  const env = parseGatewayEnv(process.env);
  const read = secretsManagerReader(new SecretsManagerClient({ region: env.AWS_REGION }));
  const providerSecretArn = z.string().min(1).parse(process.env.PROVIDER_SECRET_ARN);
  const [isFromOrigin, providers] = await Promise.all([
    deployedOriginGuard(read, process.env),
    loadProviderCredentials(providerSecretArn, read),
  ]);
  for (const problem of providers.problems) console.error(JSON.stringify({ level: 'error', ...problem, secret: providerSecretArn }));
  return { ...routerRuntime(env, gatewayDeps(env, dynamoDbClient(env), providers.credentials)), isFromOrigin };
});
