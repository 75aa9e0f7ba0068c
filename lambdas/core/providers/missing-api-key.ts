import type { ProviderCredentials } from './provider.js';

/**
 * What a provider reached with an API key lacks: its public endpoint always takes a key; at an
 * operator-set base URL it may not (a local model server, or a proxy that adds the key itself),
 * so there none is required.
 */
export function missingApiKey(credentials: ProviderCredentials): string | undefined {
  return credentials.apiKey || credentials.baseUrl ? undefined : 'an API key';
}
