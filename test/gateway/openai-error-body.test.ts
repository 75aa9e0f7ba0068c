import { describe, expect, it } from 'vitest';
import { GatewayError, ProviderError } from '../../lambdas/core/errors.js';
import { toOpenAIError } from '../../lambdas/gateway/openai-error-body.js';

describe('toOpenAIError', () => {
  it('redacts a known secret from every field a provider error relays, not only the message', () => {
    const secret = 'q7Hn2Lx9Vb4Tz8Wk3Pm6Rd1Fs5';
    const error = new ProviderError({ provider: 'openai', kind: 'auth', status: 401, message: `bad key ${secret}`, code: `key:${secret}`, type: secret, param: secret });
    expect(toOpenAIError(error, [secret]).body).toEqual({
      error: { message: 'bad key [redacted]', type: '[redacted]', code: 'key:[redacted]', param: '[redacted]' },
    });
  });

  it('keeps its own codes, which the key-shaped pattern would take for keys', () => {
    const error = new GatewayError(404, 'key_not_found', 'No API key with id "nope".', { param: 'id' });
    expect(toOpenAIError(error, ['q7Hn2Lx9Vb4Tz8Wk3Pm6Rd1Fs5']).body.error).toMatchObject({ code: 'key_not_found', param: 'id' });
  });

  it('answers anything else with a generic 500 that says nothing of it', () => {
    expect(toOpenAIError(new Error('secret detail'), [])).toEqual({
      status: 500,
      headers: {},
      body: { error: { message: 'The gateway failed unexpectedly.', type: 'server_error', code: 'internal_error', param: null } },
    });
  });
});
