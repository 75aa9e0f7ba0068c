import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startLocalGateway, type LocalGateway } from '../../lambdas/local/start-local-gateway.js';

export const testKey = `sb-test-${randomUUID()}`;
export const testAdminKey = `sb-admin-${randomUUID()}`;

/**
 * The local server exactly as `npm start` runs it, on a free port, against the shared DynamoDB
 * Local with a table of its own, with a known development key.
 */
export async function startTestGateway(env: NodeJS.ProcessEnv = {}): Promise<LocalGateway> {
  return startLocalGateway({
    env: {
      PORT: '0',
      DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'),
      KEYS_TABLE: `keys-${randomUUID()}`,
      POLICIES_TABLE: `policies-${randomUUID()}`,
      USAGE_TABLE: `usage-${randomUUID()}`,
      DIRECTORY_TABLE: `directory-${randomUUID()}`,
      SWITCHBOARD_DEV_KEY: testKey,
      SWITCHBOARD_ADMIN_KEY: testAdminKey,
      ...env,
    },
  });
}
