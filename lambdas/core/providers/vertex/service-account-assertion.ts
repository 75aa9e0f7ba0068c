import { createSign } from 'node:crypto';
import type { ServiceAccount } from './service-account.js';

/** Vertex AI's OAuth scope: https://cloud.google.com/vertex-ai/docs/authentication */
export const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';

/** The longest an assertion may ask for; the token it buys lives as long. */
const lifetimeSeconds = 3600;

/**
 * The signed JWT a service account exchanges for an access token (RFC 7523, as Google's
 * "OAuth 2.0 for server to server applications" describes): RS256 over the account's claims,
 * the audience its token endpoint.
 */
export function serviceAccountAssertion(account: ServiceAccount, nowMs: number): string {
  const issuedAt = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(account.private_key_id ? { kid: account.private_key_id } : {}) };
  const claims = { iss: account.client_email, scope: cloudPlatformScope, aud: account.token_uri, iat: issuedAt, exp: issuedAt + lifetimeSeconds };
  const signingInput = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(account.private_key);
  return `${signingInput}.${signature.toString('base64url')}`;
}

function base64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
