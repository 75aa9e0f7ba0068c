import { z } from 'zod';
import { ProviderError } from '../../errors.js';
import { callUpstream } from '../call-upstream.js';
import type { ProviderCall } from '../provider.js';
import { readJson } from '../read-upstream-body.js';
import { safeJson } from '../safe-json.js';
import { malformedResponse, type UpstreamErrorDetails } from '../upstream-error.js';
import { serviceAccountAssertion } from './service-account-assertion.js';
import type { ServiceAccount } from './service-account.js';

// https://developers.google.com/identity/protocols/oauth2/service-account#httprest
const tokenAnswerSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() }).loose();
const tokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() }).loose();

/** A token is replaced this long before it expires, so none expires between check and use. */
const refreshMarginMs = 5 * 60_000;

interface Token {
  value: string;
  expiresAt: number;
}

/**
 * Access tokens of service accounts, bought with a signed assertion at the account's token
 * endpoint and kept until shortly before they expire. Callers at the same moment share one
 * exchange; a token the upstream refused is forgotten so the next call buys a new one.
 */
export class AccessTokens {
  private readonly tokens = new Map<string, Promise<Token>>();

  constructor(private readonly provider: string) {}

  async get(account: ServiceAccount, call: ProviderCall): Promise<string> {
    const key = keyOf(account);
    const cached = this.tokens.get(key);
    if (cached) {
      // A pending exchange is shared, its failure too; a failed one is dropped once settled.
      const token = await cached;
      if (token.expiresAt - refreshMarginMs > call.clock.now()) return token.value;
      // Another caller may already have replaced the stale one.
      if (this.tokens.get(key) !== cached) return this.get(account, call);
    }
    const bought = this.exchange(account, call);
    this.tokens.set(key, bought);
    bought.catch(() => {
      if (this.tokens.get(key) === bought) this.tokens.delete(key);
    });
    return (await bought).value;
  }

  /** Drops `token` (an upstream answered 401 to it) unless it has been replaced already. */
  async forget(account: ServiceAccount, token: string): Promise<void> {
    const key = keyOf(account);
    const cached = this.tokens.get(key);
    if (cached && (await cached.catch(() => undefined))?.value === token && this.tokens.get(key) === cached) this.tokens.delete(key);
  }

  private async exchange(account: ServiceAccount, call: ProviderCall): Promise<Token> {
    const requestedAt = call.clock.now();
    const body = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: serviceAccountAssertion(account, requestedAt),
    }).toString();
    const response = await callUpstream(
      this.provider,
      { url: account.token_uri, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body },
      call,
      readTokenErrorBody,
    ).catch((error: unknown) => Promise.reject(asCredentialFailure(this.provider, error)));
    const answer = tokenAnswerSchema.safeParse(await readJson(this.provider, response));
    if (!answer.success) throw malformedResponse(this.provider);
    return { value: answer.data.access_token, expiresAt: requestedAt + answer.data.expires_in * 1000 };
  }
}

function keyOf(account: ServiceAccount): string {
  return JSON.stringify([account.client_email, account.private_key_id ?? account.private_key, account.token_uri]);
}

function readTokenErrorBody(body: string): UpstreamErrorDetails {
  const parsed = tokenErrorSchema.safeParse(safeJson(body));
  if (!parsed.success) return {};
  const { error, error_description: description } = parsed.data;
  return { message: `the service account could not get an access token: ${description ? `${error} (${description})` : error}`, code: error };
}

/**
 * The token endpoint refusing the assertion (400 invalid_grant, 401) is the gateway's
 * credentials at fault, not the caller's request: an auth failure, not a 400 to relay.
 */
function asCredentialFailure(provider: string, error: unknown): unknown {
  if (!(error instanceof ProviderError) || error.status >= 500 || error.status === 429) return error;
  return new ProviderError({
    provider,
    kind: 'auth',
    status: 401,
    message: error.message.includes('access token') ? error.message : `${provider}: the service account could not get an access token (HTTP ${error.status}).`,
  });
}
