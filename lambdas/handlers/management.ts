import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerReader } from '../adapters/secrets/secrets-manager-json.js';
import { athenaAnalytics } from './analytics-env.js';
import { deployedOriginGuard } from './deployed-runtime.js';
import { dynamoDbClient, managementDeps, parseGatewayEnv } from './gateway-env.js';
import { createManagementHandler } from './management-handler.js';

/** Lambda entry: the management API composed from its environment. */
export const handler = createManagementHandler(async () => {
  const env = parseGatewayEnv(process.env);
  const isFromOrigin = await deployedOriginGuard(secretsManagerReader(new SecretsManagerClient({ region: env.AWS_REGION })), process.env);
  const analytics = athenaAnalytics(process.env);
  return { deps: { ...managementDeps(env, dynamoDbClient(env)), ...(analytics ? { analytics } : {}) }, isFromOrigin };
});
