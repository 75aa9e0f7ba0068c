import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { readJsonSecret } from '../adapters/secrets/secrets-manager-json.js';
import { originGuard } from './origin-guard.js';

/** `previous` keeps the old value valid while CloudFront rolls out a new one. */
const originSecretSchema = z.object({ current: z.string().min(32), previous: z.string().optional() });

/** The origin check of a deployed function, from the secret CloudFront's header comes from. */
export async function deployedOriginGuard(
  secrets: SecretsManagerClient,
  env: NodeJS.ProcessEnv,
): Promise<(presented: string | undefined) => boolean> {
  const arn = z.string().min(1).parse(env.ORIGIN_VERIFY_SECRET_ARN);
  const origin = await readJsonSecret(secrets, arn, originSecretSchema);
  return originGuard([origin.current, origin.previous ?? '']);
}
