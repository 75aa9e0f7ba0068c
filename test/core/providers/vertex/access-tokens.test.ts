import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../lambdas/core/errors.js';
import { AccessTokens } from '../../../../lambdas/core/providers/vertex/access-tokens.js';
import { serviceAccountSchema } from '../../../../lambdas/core/providers/vertex/service-account.js';
import type { HttpClient, HttpRequest } from '../../../../lambdas/ports/http-client.js';
import { providerCall } from '../../../support/provider-call.js';
import { testServiceAccount } from '../../../support/test-service-account.js';

const account = serviceAccountSchema.parse(testServiceAccount('https://oauth2.example.test/token').account);

/** A token endpoint that issues `token-<n>` valid for `expiresIn` seconds, or answers `failWith`. */
function tokenEndpoint(options: { expiresIn?: number; failWith?: { status: number; body: unknown } } = {}) {
  const sent: HttpRequest[] = [];
  const http: HttpClient = async (request) => {
    sent.push(request);
    const { status, body } = options.failWith ?? { status: 200, body: { access_token: `token-${sent.length}`, expires_in: options.expiresIn ?? 3599, token_type: 'Bearer' } };
    return { status, headers: { 'content-type': 'application/json' }, body: (async function* () { yield new TextEncoder().encode(JSON.stringify(body)); })() };
  };
  return { http, sent };
}

function clockAt(start: number) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

describe('AccessTokens', () => {
  it('exchanges a signed assertion at the account’s token endpoint, as a form', async () => {
    const { http, sent } = tokenEndpoint();
    const token = await new AccessTokens('vertex').get(account, providerCall({ model: 'm', http }));
    expect(token).toBe('token-1');
    expect(sent[0]?.url).toBe('https://oauth2.example.test/token');
    expect(sent[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(sent[0]?.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(form.get('assertion')?.split('.')).toHaveLength(3);
  });

  it('keeps a token until five minutes before it expires, then buys the next', async () => {
    const { http, sent } = tokenEndpoint({ expiresIn: 3600 });
    const clock = clockAt(Date.parse('2026-01-01T00:00:00Z'));
    const tokens = new AccessTokens('vertex');
    const call = providerCall({ model: 'm', http, clock });
    expect(await tokens.get(account, call)).toBe('token-1');
    clock.time += 54 * 60_000;
    expect(await tokens.get(account, call)).toBe('token-1');
    clock.time += 2 * 60_000;
    expect(await tokens.get(account, call)).toBe('token-2');
    expect(sent).toHaveLength(2);
  });

  it('shares one exchange among callers at the same moment', async () => {
    const { http, sent } = tokenEndpoint();
    const tokens = new AccessTokens('vertex');
    const call = providerCall({ model: 'm', http });
    expect(await Promise.all([tokens.get(account, call), tokens.get(account, call), tokens.get(account, call)])).toEqual(['token-1', 'token-1', 'token-1']);
    expect(sent).toHaveLength(1);
  });

  it('forgets a refused token so the next caller buys another, but not one already replaced', async () => {
    const { http, sent } = tokenEndpoint();
    const tokens = new AccessTokens('vertex');
    const call = providerCall({ model: 'm', http });
    const first = await tokens.get(account, call);
    await tokens.forget(account, first);
    expect(await tokens.get(account, call)).toBe('token-2');
    await tokens.forget(account, first);
    expect(await tokens.get(account, call)).toBe('token-2');
    expect(sent).toHaveLength(2);
  });

  it('reports a refused assertion as the gateway’s credentials failing (401), quoting the endpoint’s reason, and caches nothing', async () => {
    const { http, sent } = tokenEndpoint({ failWith: { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } } });
    const tokens = new AccessTokens('vertex');
    const call = providerCall({ model: 'm', http });
    const error = await tokens.get(account, call).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 401, kind: 'auth', retryable: false });
    expect((error as Error).message).toBe('vertex: the service account could not get an access token: invalid_grant (Invalid JWT Signature.)');
    await tokens.get(account, call).catch(() => undefined);
    expect(sent).toHaveLength(2);
  });

  it('keeps a token endpoint outage retryable', async () => {
    const { http } = tokenEndpoint({ failWith: { status: 503, body: { error: 'temporarily_unavailable' } } });
    const error = await new AccessTokens('vertex').get(account, providerCall({ model: 'm', http })).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ status: 503, retryable: true });
  });
});
