import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startLocalGateway, type LocalGateway } from '../../lambdas/local/start-local-gateway.js';

export const testKey = `sb-test-${randomUUID()}`;
export const testAdminKey = `sb-admin-${randomUUID()}`;

/**
 * The local server as `npm start` runs it, on a free port, against the shared DynamoDB Local
 * with tables of its own and a data folder of its own (request logs, dead letters), with known
 * development and management keys, and writing usage before each response ends.
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
      SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-test-')),
      SWITCHBOARD_DEV_KEY: testKey,
      SWITCHBOARD_ADMIN_KEY: testAdminKey,
      // Tests read spend right after a response: usage is written before it ends.
      SWITCHBOARD_USAGE_WRITES: 'sync',
      ...env,
    },
  });
}
