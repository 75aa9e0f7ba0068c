import { z } from 'zod';
import { readJsonSecret, type SecretReader } from '../adapters/secrets/secrets-manager-json.js';
import { systemClock } from '../ports/clock.js';
import { originGuard, type OriginCheck } from './origin-guard.js';

/** `previous` keeps the old value valid while CloudFront rolls out a new one. */
const originSecretSchema = z.object({ current: z.string().min(32), previous: z.string().optional() });

/** A miss re-reads the secret at most this often per instance: cheap, and soon after a rotation. */
export const originSecretRereadIntervalMs = 5_000;

/** The origin check of a deployed function, from the secret CloudFront's header comes from. */
export async function deployedOriginGuard(read: SecretReader, env: NodeJS.ProcessEnv): Promise<OriginCheck> {
  const arn = z.string().min(1).parse(env.ORIGIN_VERIFY_SECRET_ARN);
  return originGuard({
    read: async () => {
      const origin = await readJsonSecret(read, arn, originSecretSchema);
      return [origin.current, origin.previous ?? ''];
    },
    clock: systemClock,
    rereadIntervalMs: originSecretRereadIntervalMs,
    onRereadFailure: (error) =>
      console.error(
        JSON.stringify({
          level: 'error',
          msg: 'origin secret could not be read again; the values read before stay in force',
          secret: arn,
          error: error instanceof Error ? error.message : String(error),
        }),
      ),
  });
}
