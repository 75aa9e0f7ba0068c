import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cloudPlatformScope, serviceAccountAssertion } from '../../../../lambdas/core/providers/vertex/service-account-assertion.js';
import { serviceAccountSchema } from '../../../../lambdas/core/providers/vertex/service-account.js';
import { testServiceAccount } from '../../../support/test-service-account.js';

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('serviceAccountAssertion', () => {
  it('is an RS256 JWT of the account’s claims for Vertex’s scope, signed by its private key', () => {
    const { account, publicKey } = testServiceAccount('https://oauth2.googleapis.com/token');
    const now = Date.parse('2026-01-01T00:00:00Z');
    const [header = '', claims = '', signature = ''] = serviceAccountAssertion(serviceAccountSchema.parse(account), now).split('.');
    expect(decode(header)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'a1b2c3d4e5f6' });
    expect(decode(claims)).toEqual({
      iss: 'gateway@switchboard-test.iam.gserviceaccount.com',
      scope: cloudPlatformScope,
      aud: 'https://oauth2.googleapis.com/token',
      iat: now / 1000,
      exp: now / 1000 + 3600,
    });
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    const other = testServiceAccount('https://oauth2.googleapis.com/token');
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), other.publicKey, Buffer.from(signature, 'base64url'))).toBe(false);
  });
});

describe('serviceAccountSchema', () => {
  it('refuses a key file whose private key is not a key, and defaults the token endpoint', () => {
    const { account } = testServiceAccount('https://oauth2.googleapis.com/token');
    expect(serviceAccountSchema.safeParse({ ...account, private_key: 'not a key' }).success).toBe(false);
    const { token_uri: _dropped, ...withoutTokenUri } = account;
    expect(serviceAccountSchema.parse(withoutTokenUri).token_uri).toBe('https://oauth2.googleapis.com/token');
  });
});
