import type { Pricing } from '../core/catalog/catalog-schema.js';
import type { Authenticator } from '../core/auth/authenticator.js';
import type { ProviderCredentials } from '../core/providers/provider.js';
import type { DirectoryLookup } from '../core/accounting/directory-lookup.js';
import type { PolicyListing, PolicyLookup } from '../core/routing/policy-resolver.js';
import type { RoutingState } from '../core/routing/run-attempts.js';
import type { Clock } from '../ports/clock.js';
import type { BedrockRuntime } from '../ports/bedrock-runtime.js';
import type { HttpClient } from '../ports/http-client.js';
import type { RequestLogSink } from '../ports/request-log-sink.js';
import type { UsageStore } from '../ports/usage-store.js';
import type { AlertWatch } from './alerts/alert-watch.js';

/**
 * A provider whose configuration could not be loaded (its secret unreadable or invalid): it
 * serves nothing, and every call to it fails saying why. It holds no credential fields, so code
 * that only reads credentials sees an unconfigured provider.
 */
export interface MisconfiguredProvider extends Partial<Record<keyof ProviderCredentials, never>> {
  misconfigured: { reason: string };
}

/** What the gateway holds for one provider. */
export type ProviderSetup = ProviderCredentials | MisconfiguredProvider;

/** Everything the gateway needs, built by a composition root (Lambda entry or local server). */
export interface GatewayDeps {
  authenticator: Authenticator;
  credentials: Readonly<Record<string, ProviderSetup>>;
  http: HttpClient;
  bedrock: BedrockRuntime;
  clock: Clock;
  policies: PolicyLookup;
  /** The policies a key may call, listed by `GET /v1/models`; absent, it lists none. */
  policyListing?: PolicyListing;
  /** The organisation and groups: limits and approved models. */
  directory: DirectoryLookup;
  usage: UsageStore;
  /** Spend alerts: told of each settled request, evaluated and announced after the response. */
  alerts: AlertWatch;
  /** Where each request's record goes once its response has ended. */
  requestLog: RequestLogSink;
  /** Request headers recorded into `extra` (see capturedHeaders). */
  capturedHeaders: readonly string[];
  /** Also count spend per day (besides per month). */
  dailyCounters: boolean;
  /** The AWS region this gateway serves in: spend, and so prepaid budgets, are counted per region. */
  region: string;
  /** Latency samples and circuit breakers, kept for the life of the instance. */
  routing: RoutingState;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  limits: GatewayLimits;
  /** Added to the catalog's prices: 0 for self-hosting at cost, 0.05 for Requesty's 5%. */
  markup: number;
  /** The price of models the catalog does not know (`SWITCHBOARD_UNPRICED_MODEL_PRICE`); without it they are refused under a limit. */
  unpricedModelPrice?: Pricing;
}

export interface GatewayLimits {
  /** Requests with a larger body are refused with 413. */
  maxBodyBytes: number;
  /** Per attempt: longest wait for a provider's response head (a policy entry may set its own). */
  headersTimeoutMs: number;
  /** Per attempt: longest a model may think, after its response head, before its first token. */
  firstTokenTimeoutMs: number;
  /** Longest silence inside a provider's response body, once tokens flow. */
  idleTimeoutMs: number;
  /** Per request: no attempt starts after this, and no answer runs past it. */
  deadlineMs: number;
  /** Longest the gateway waits before it starts a response; the status is decided by then. */
  responseStartMs: number;
  /** Longest silence a started response keeps before a keep-alive goes out. */
  keepAliveMs: number;
  /** Share of requests on which a latency policy tries an unmeasured model first. */
  explorationRate: number;
  /** Serve only models whose inference runs in the EU (the EU stack). */
  euOnly: boolean;
  /**
   * Ask OpenAI-protocol providers for a JSON answer when the client wants one, and pass it on
   * as it came: less work per request, but a hung provider is noticed only once the headers and
   * first-token limits together have passed (by default the answer comes as a stream).
   */
  upstreamJson: boolean;
}

/** Every secret the gateway holds, so error messages can be scrubbed of them. */
export function knownSecrets(deps: Pick<GatewayDeps, 'credentials'>): string[] {
  return Object.values(deps.credentials).flatMap((credentials) => [
    ...(credentials.apiKey ? [credentials.apiKey] : []),
    ...(credentials.serviceAccount ? [credentials.serviceAccount.private_key] : []),
  ]);
}
