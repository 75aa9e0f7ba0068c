import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { hashApiKey } from '../../lambdas/core/auth/api-key.js';
import { DynamoDbKeyStore } from '../../lambdas/adapters/dynamodb/dynamodb-key-store.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';

const run = promisify(execFile);
const endpoint = inject('dynamoDbEndpoint');
const table = `keys-script-${Date.now()}`;
const client = testDynamoDbClient();

beforeAll(() => ensureTables(client, { keys: table, policies: `${table}-policies`, usage: `${table}-usage`, directory: `${table}-directory` }));

describe('npm run create-key', () => {
  it('stores a hashed key with its expiry and prints the key once', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/create-key.ts', '--table', table, '--name', 'ci', '--region', 'us-east-1', '--expires-in-days', '30'],
      { env: { ...process.env, DYNAMODB_ENDPOINT: endpoint } },
    );
    const key = /(sb-[A-Za-z0-9_-]{43})/.exec(stdout)?.[1] ?? '';
    const stored = await new DynamoDbKeyStore(client, table).findByHash(hashApiKey(key));
    expect(stored).toMatchObject({ name: 'ci', disabled: false });
    expect(stored?.expiresAt).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });

  it('creates management keys with --management', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/create-key.ts', '--table', table, '--name', 'ops', '--management'],
      { env: { ...process.env, DYNAMODB_ENDPOINT: endpoint, AWS_REGION: 'us-east-1' } },
    );
    const key = /(sb-[A-Za-z0-9_-]{43})/.exec(stdout)?.[1] ?? '';
    expect(await new DynamoDbKeyStore(client, table).findByHash(hashApiKey(key))).toMatchObject({ kind: 'management', name: 'ops' });
  });

  it('explains its usage when the table is missing', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', 'scripts/create-key.ts']).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: npm run create-key') });
  });
});
