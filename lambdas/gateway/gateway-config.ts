import type { Authenticator } from '../core/auth/authenticator.js';
import type { ProviderCredentials } from '../core/providers/provider.js';
import type { Clock } from '../ports/clock.js';
import type { HttpClient } from '../ports/http-client.js';

/** Everything the gateway needs, built by a composition root (Lambda entry or local server). */
export interface GatewayDeps {
  authenticator: Authenticator;
  credentials: Readonly<Record<string, ProviderCredentials>>;
  http: HttpClient;
  clock: Clock;
  limits: GatewayLimits;
}

export interface GatewayLimits {
  /** Requests with a larger body are refused with 413. */
  maxBodyBytes: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
}

/** Every secret the gateway holds, so error messages can be scrubbed of them. */
export function knownSecrets(deps: GatewayDeps): string[] {
  return Object.values(deps.credentials).flatMap((credentials) => (credentials.apiKey ? [credentials.apiKey] : []));
}
