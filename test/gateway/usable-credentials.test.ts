import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../lambdas/core/errors.js';
import { usableCredentials } from '../../lambdas/gateway/usable-credentials.js';

describe('usableCredentials', () => {
  it('passes a provider’s credentials through, and none for a provider without any', () => {
    expect(usableCredentials('openai', { apiKey: 'sk-x', baseUrl: 'https://api.openai.com/v1' })).toEqual({
      apiKey: 'sk-x',
      baseUrl: 'https://api.openai.com/v1',
    });
    expect(usableCredentials('openai', undefined)).toEqual({});
  });

  it('refuses a misconfigured provider with a non-retryable 503 provider_misconfigured naming it', () => {
    let thrown: unknown;
    try {
      usableCredentials('anthropic', { misconfigured: { reason: 'its secret s-1 does not hold JSON; fix the secret.' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProviderError);
    expect(thrown).toMatchObject({
      provider: 'anthropic',
      status: 503,
      code: 'provider_misconfigured',
      retryable: false,
      message: 'Provider "anthropic" is misconfigured: its secret s-1 does not hold JSON; fix the secret.',
    });
  });
});
