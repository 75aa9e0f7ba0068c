import { GatewayError, ProviderError } from '../core/errors.js';
import type { ChatProvider, ProviderCredentials } from '../core/providers/provider.js';
import type { ProviderSetup } from './gateway-config.js';

/**
 * The credentials to call a provider with, or, for a misconfigured provider or one lacking what
 * it cannot be called without (an API key, a service account), a 503 that names it: never a
 * keyless call that comes back as the upstream's own 401, and non-retryable, so a policy moves
 * straight on to its next model.
 */
export function usableCredentials(provider: ChatProvider, setup: ProviderSetup | undefined): ProviderCredentials {
  if (setup !== undefined && 'misconfigured' in setup) {
    throw new ProviderError({
      provider: provider.id,
      kind: 'auth',
      status: 503,
      code: 'provider_misconfigured',
      message: `Provider "${provider.id}" is misconfigured: ${setup.misconfigured.reason}`,
    });
  }
  const credentials = setup ?? {};
  const missing = provider.missingCredentials?.(credentials);
  if (missing) {
    throw new GatewayError(
      503,
      'provider_not_configured',
      `Provider "${provider.id}" is not configured on this gateway: it needs ${missing} (in the provider secret when deployed, in its environment variables locally; see the README).`,
      { param: 'model' },
    );
  }
  return credentials;
}

/** Whether calls to the provider can go upstream at all: configured, and with what it cannot be called without. */
export function isServable(provider: ChatProvider, setup: ProviderSetup | undefined): boolean {
  if (setup !== undefined && 'misconfigured' in setup) return false;
  return provider.missingCredentials?.(setup ?? {}) === undefined;
}
