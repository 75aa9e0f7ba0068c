import { describe, expect, it } from 'vitest';
import { GatewayError, ProviderError } from '../../lambdas/core/errors.js';
import type { ProviderCredentials } from '../../lambdas/core/providers/provider.js';
import { chatProviders } from '../../lambdas/core/providers/registry.js';
import type { ProviderSetup } from '../../lambdas/gateway/gateway-config.js';
import { usableCredentials } from '../../lambdas/gateway/usable-credentials.js';
import { testServiceAccount } from '../support/test-service-account.js';

const provider = (id: string) => chatProviders[id] as NonNullable<(typeof chatProviders)[string]>;

function refusal(id: string, setup: ProviderSetup | undefined): unknown {
  try {
    usableCredentials(provider(id), setup);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('usableCredentials', () => {
  it('passes a provider’s credentials through', () => {
    const credentials: ProviderCredentials = { apiKey: 'sk-x', baseUrl: 'https://api.openai.com/v1' };
    expect(usableCredentials(provider('openai'), credentials)).toEqual(credentials);
  });

  it('needs nothing for the mock and Bedrock', () => {
    expect(usableCredentials(provider('mock'), undefined)).toEqual({});
    expect(usableCredentials(provider('bedrock'), { region: 'eu-central-1' })).toEqual({ region: 'eu-central-1' });
  });

  it('calls a host at an operator-set base URL without a key (a local model server or a key-adding proxy)', () => {
    expect(usableCredentials(provider('openai'), { baseUrl: 'http://127.0.0.1:11434/v1' })).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1' });
    expect(usableCredentials(provider('anthropic'), { baseUrl: 'http://127.0.0.1:9000' })).toEqual({ baseUrl: 'http://127.0.0.1:9000' });
  });

  it.each([
    ['openai', undefined, 'an API key'],
    ['groq', {}, 'an API key'],
    ['anthropic', undefined, 'an API key'],
    ['google', undefined, 'an API key'],
    ['azure', undefined, 'an endpoint (base URL) and an API key'],
    ['azure', { baseUrl: 'https://my-resource.openai.azure.com' }, 'an API key'],
    ['azure', { apiKey: 'azure-key-0123456789' }, 'an endpoint (base URL)'],
    ['vertex', { region: 'europe-west4' }, 'a service account'],
  ] as const)('refuses %s with %j: a non-retryable 503 provider_not_configured naming what it lacks', (id, setup, missing) => {
    const error = refusal(id, setup);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 503, code: 'provider_not_configured', param: 'model', message: expect.stringContaining(`Provider "${id}" is not configured on this gateway: it needs ${missing} (`) });
  });

  it('takes a Vertex service account without an API key', () => {
    const { account } = testServiceAccount('http://127.0.0.1:1/token');
    expect(usableCredentials(provider('vertex'), { serviceAccount: account })).toEqual({ serviceAccount: account });
  });

  it('refuses a misconfigured provider with a non-retryable 503 provider_misconfigured naming it', () => {
    const thrown = refusal('anthropic', { misconfigured: { reason: 'its secret s-1 does not hold JSON; fix the secret.' } });
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
