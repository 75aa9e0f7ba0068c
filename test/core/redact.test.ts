import { describe, expect, it } from 'vitest';
import { apiKeyIdPattern, generateApiKey, newApiKeyRecord } from '../../lambdas/core/auth/api-key.js';
import { redactSecrets } from '../../lambdas/core/redact.js';

describe('redactSecrets', () => {
  it('removes key-shaped tokens and known secrets, keeping the rest of the message', () => {
    expect(redactSecrets('Incorrect API key provided: sk-proj-abcd****wxyz. See docs.')).toBe(
      'Incorrect API key provided: [redacted]. See docs.',
    );
    expect(redactSecrets('got Bearer abcdefghijkl here')).toBe('got [redacted] here');
    expect(redactSecrets('token 0123456789abcdef leaked', ['0123456789abcdef'])).toBe('token [redacted] leaked');
  });

  it('leaves ordinary text alone', () => {
    const text = 'Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".';
    expect(redactSecrets(text)).toBe(text);
  });

  it('keeps public key ids, which name a key without being one', () => {
    const { id } = newApiKeyRecord(generateApiKey(), 'app', 0);
    expect(id).toMatch(apiKeyIdPattern);
    expect(redactSecrets(`No API key with id "${id}".`)).toBe(`No API key with id "${id}".`);
    expect(redactSecrets(`keys ${id}, ${id}`)).toBe(`keys ${id}, ${id}`);
  });

  it('still removes secrets that start like a key id but are not one', () => {
    const lookalikes = [
      'key_0123456789abcdef0123456789abcdef0', // one digit too many
      'key_0123456789ABCDEF0123456789ABCDEF', // upper case: ids are lower-case hex
      'key_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA', // base64url, like the gateway's own secrets
      'key-0123456789abcdef0123456789abcdef', // a dash, as some providers' keys have
    ];
    for (const secret of lookalikes) expect(redactSecrets(`leaked ${secret} here`)).toBe('leaked [redacted] here');
    expect(redactSecrets(`leaked ${generateApiKey()} here`)).toBe('leaked [redacted] here');
  });

  it('removes a run of characters carrying 12 or more consecutive characters of a known secret', () => {
    const secret = 'q7Hn2Lx9Vb4Tz8Wk3Pm6Rd1Fs5';
    expect(redactSecrets(`Invalid key ${secret.slice(0, 20)}... given`, [secret])).toBe('Invalid key [redacted] given');
    expect(redactSecrets(`ends in ${secret.slice(-12)}`, [secret])).toBe('ends in [redacted]');
    // Eleven characters are not enough to tell a key from a word.
    expect(redactSecrets(`ends in ${secret.slice(-11)}`, [secret])).toBe(`ends in ${secret.slice(-11)}`);
  });
});
