import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ServiceAccount } from '../../lambdas/core/providers/vertex/service-account.js';

/** A service-account key file as Google's console issues it, signed by a key pair made for the test. */
export function testServiceAccount(tokenUri: string): { account: ServiceAccount & Record<string, unknown>; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey,
    account: {
      type: 'service_account',
      project_id: 'switchboard-test',
      private_key_id: 'a1b2c3d4e5f6',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: 'gateway@switchboard-test.iam.gserviceaccount.com',
      client_id: '1234567890',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
    },
  };
}
