import { ProviderError } from '../core/errors.js';
import type { ProviderCredentials } from '../core/providers/provider.js';
import type { ProviderSetup } from './gateway-config.js';

/**
 * The credentials to call a provider with, or, for a misconfigured provider, a failure that
 * names it: non-retryable, so a policy moves straight on to its next model.
 */
export function usableCredentials(providerId: string, setup: ProviderSetup | undefined): ProviderCredentials {
  if (setup === undefined) return {};
  if ('misconfigured' in setup) {
    throw new ProviderError({
      provider: providerId,
      kind: 'auth',
      status: 503,
      code: 'provider_misconfigured',
      message: `Provider "${providerId}" is misconfigured: ${setup.misconfigured.reason}`,
    });
  }
  return setup;
}
