import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialsFromEnv } from '../../lambdas/handlers/gateway-env.js';
import { testServiceAccount } from '../support/test-service-account.js';

const { account } = testServiceAccount('https://oauth2.googleapis.com/token');

describe('Vertex settings from the environment (npm start)', () => {
  it('reads the service account as JSON or from a file, with the project, region and base URL', () => {
    const inline = credentialsFromEnv({ VERTEX_CREDENTIALS: JSON.stringify(account), VERTEX_REGION: 'europe-west4', VERTEX_BASE_URL: 'http://127.0.0.1:9' });
    expect(inline.vertex).toMatchObject({ region: 'europe-west4', baseUrl: 'http://127.0.0.1:9', serviceAccount: { client_email: account.client_email } });
    const file = join(mkdtempSync(join(tmpdir(), 'vertex-env-')), 'key.json');
    writeFileSync(file, JSON.stringify(account));
    expect(credentialsFromEnv({ VERTEX_CREDENTIALS: file, VERTEX_PROJECT: 'billed' }).vertex).toMatchObject({ project: 'billed', serviceAccount: { private_key: account.private_key } });
  });

  it('leaves Vertex unconfigured without credentials', () => {
    expect(credentialsFromEnv({}).vertex).toEqual({});
  });

  it('stops at startup on a missing file or a broken key, naming the field and never the key', () => {
    expect(() => credentialsFromEnv({ VERTEX_CREDENTIALS: '/nonexistent/key.json' })).toThrow(/VERTEX_CREDENTIALS names a file that cannot be read/);
    const broken = { ...account, private_key: 'secret-value-0123456789', type: 'authorized_user' };
    const error = (() => {
      try {
        credentialsFromEnv({ VERTEX_CREDENTIALS: JSON.stringify(broken) });
      } catch (failure) {
        return failure as Error;
      }
      return undefined;
    })();
    expect(error?.message).toMatch(/VERTEX_CREDENTIALS is missing or has invalid fields: type, private_key/);
    expect(error?.message).not.toContain('secret-value');
  });
});
