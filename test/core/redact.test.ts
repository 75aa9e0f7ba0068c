import { describe, expect, it } from 'vitest';
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
});
