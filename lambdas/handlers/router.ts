import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { dynamoDbClient, gatewayDeps, parseGatewayEnv } from './gateway-env.js';
import { originGuard } from './origin-guard.js';
import { createRouterHandler } from './router-handler.js';

const originSecretSchema = z.object({ current: z.string().min(32), previous: z.string().optional() });

/** Lambda entry: the router composed from its environment and the origin-verify secret. */
export const handler = createRouterHandler(async () => {
  const env = parseGatewayEnv(process.env);
  const secretArn = z.string().min(1).parse(process.env.ORIGIN_VERIFY_SECRET_ARN);
  const secrets = new SecretsManagerClient({ region: env.AWS_REGION });
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const origin = originSecretSchema.parse(JSON.parse(SecretString ?? '{}'));
  return {
    deps: gatewayDeps(env, dynamoDbClient(env)),
    isFromOrigin: originGuard([origin.current, origin.previous ?? '']),
  };
});
