import { describe, expect, it } from 'vitest';
import { loadProviderCredentials, secretProviders, type LoadedProviderCredentials } from '../../lambdas/handlers/load-provider-credentials.js';
import { testServiceAccount } from '../support/test-service-account.js';

const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ProviderSecret-AbCdEf';
const canary = 'sk-canary-value-that-must-never-be-shown';

/** A reader holding `text` as the provider secret; any other ARN fails as Secrets Manager does for a missing one. */
function readerOf(text: string | undefined) {
  return async (arn: string): Promise<string> => {
    if (arn !== secretArn || text === undefined) {
      throw Object.assign(new Error(`Secrets Manager can't find ${arn}: ${canary}`), { name: 'ResourceNotFoundException' });
    }
    return text;
  };
}

const load = (text: string | undefined) => loadProviderCredentials(secretArn, readerOf(text));
const loadJson = (value: unknown) => load(JSON.stringify(value));

function reasonOf({ credentials }: LoadedProviderCredentials, provider: string): string | undefined {
  const setup = credentials[provider];
  return setup && 'misconfigured' in setup ? setup.misconfigured.reason : undefined;
}

describe('loadProviderCredentials', () => {
  it('keeps good entries and marks only the providers whose entry is not an object or has an invalid or unknown field', async () => {
    const loaded = await loadJson({
      openai: { apiKey: canary, baseUrl: 'https://api.openai.com/v1' },
      anthropic: canary,
      google: { apiKey: canary, baseUrl: 'not a url' },
      mistral: { api_key: canary },
      groq: {},
      azure: [canary],
    });
    const { credentials, problems } = loaded;
    expect(credentials.openai).toEqual({ apiKey: canary, baseUrl: 'https://api.openai.com/v1' });
    // An empty entry is a provider nobody has configured yet, not a broken one.
    expect(credentials.groq).toEqual({});
    // An absent entry is not configured: nothing held, nothing reported.
    expect(credentials.deepseek).toBeUndefined();
    expect(problems.map((problem) => ('provider' in problem ? problem.provider : problem.msg)).sort()).toEqual(['anthropic', 'azure', 'google', 'mistral']);

    expect(reasonOf(loaded, 'anthropic')).toMatch(/^its entry "anthropic" in the provider secret ProviderSecret-AbCdEf is not an object; fix the secret/);
    expect(reasonOf(loaded, 'azure')).toMatch(/^its entry "azure" in the provider secret ProviderSecret-AbCdEf is not an object;/);
    expect(reasonOf(loaded, 'google')).toMatch(/^its entry "google" in the provider secret ProviderSecret-AbCdEf is missing or has invalid fields: baseUrl;/);
    expect(reasonOf(loaded, 'mistral')).toMatch(/is missing or has invalid fields: api_key \(unknown\);/);
    for (const problem of problems) {
      expect(problem.msg).toBe('provider misconfigured');
      if ('provider' in problem) expect(problem.reason).toBe(reasonOf(loaded, problem.provider));
    }
    // Neither the reasons nor the account id in the ARN reach what a caller may see.
    expect(JSON.stringify(problems)).not.toContain(canary);
    expect(JSON.stringify(credentials)).not.toContain('123456789012');
  });

  it('reads Vertex’s service account, project and region, and names a broken key’s field, never its value', async () => {
    const { account } = testServiceAccount('https://oauth2.googleapis.com/token');
    const good = await loadJson({ vertex: { serviceAccount: account, project: 'billed-project', region: 'europe-west4' } });
    expect(good.credentials.vertex).toMatchObject({
      project: 'billed-project',
      region: 'europe-west4',
      serviceAccount: { client_email: account.client_email, private_key: account.private_key },
    });
    expect(good.problems).toEqual([]);

    const broken = await loadJson({ vertex: { serviceAccount: { ...account, private_key: canary } } });
    expect(broken.problems.map((problem) => problem.reason)).toEqual([expect.stringMatching(/"vertex" .* invalid fields: serviceAccount\.private_key;/)]);
    expect(JSON.stringify(broken.problems)).not.toContain(canary);
  });

  it('reports entries for unknown providers once, by name only, and still serves the known ones', async () => {
    const loaded = await loadJson({ openai: { apiKey: canary }, 'open-ai': { apiKey: canary }, bedrock: { region: 'eu-west-1' } });
    expect(loaded.credentials.openai).toEqual({ apiKey: canary });
    expect(Object.keys(loaded.credentials)).toEqual(['openai']);
    expect(loaded.problems).toEqual([
      {
        msg: 'provider secret names unknown providers',
        providers: ['open-ai', 'bedrock'],
        reason: expect.stringMatching(/^the provider secret ProviderSecret-AbCdEf has entries for unknown providers, which are ignored: open-ai, bedrock\. Providers it configures: .*openai.*\(mock and bedrock take no credentials\)/),
      },
    ]);
    expect(JSON.stringify(loaded.problems)).not.toContain(canary);
  });

  it('shows only the first characters of an entry named like a pasted key', async () => {
    const { problems } = await loadJson({ [canary]: { apiKey: 'x' } });
    expect(problems[0]).toMatchObject({ msg: 'provider secret names unknown providers', providers: ['sk-c…'] });
    expect(JSON.stringify(problems)).not.toContain('sk-canary');
  });

  it('explains an old one-provider secret pasted whole, without its value', async () => {
    const { problems } = await loadJson({ apiKey: canary, baseUrl: 'https://api.openai.com/v1' });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.reason).toContain('nest them under the provider\'s id, as {"openai": {"apiKey": "..."}}');
    expect(JSON.stringify(problems)).not.toContain(canary);
  });

  it.each([
    ['is not JSON', `{"openai": {"apiKey": "${canary}"}`, 'does not hold JSON'],
    ['is a JSON array', JSON.stringify([{ openai: { apiKey: canary } }]), 'does not hold a JSON object keyed by provider id'],
    ['is a JSON string', JSON.stringify(canary), 'does not hold a JSON object keyed by provider id'],
    ['cannot be read', undefined, 'could not be read (ResourceNotFoundException)'],
  ])('disables every provider that takes credentials from the secret, with one problem, when the secret %s', async (_, text, why) => {
    const loaded = await load(text);
    expect(loaded.problems).toEqual([{ msg: 'provider secret unusable', reason: expect.stringContaining(`the provider secret ProviderSecret-AbCdEf ${why}; fix the secret`) }]);
    expect(Object.keys(loaded.credentials).sort()).toEqual([...secretProviders].sort());
    for (const provider of secretProviders) expect(reasonOf(loaded, provider)).toBe(loaded.problems[0]?.reason);
    // The mock and Bedrock take nothing from the secret, so they keep serving.
    expect(loaded.credentials.mock).toBeUndefined();
    expect(loaded.credentials.bedrock).toBeUndefined();
    expect(JSON.stringify(loaded)).not.toContain(canary);
  });

  it('loads nothing and reports nothing for the empty secret the stack creates', async () => {
    expect(await load('{}')).toEqual({ credentials: {}, problems: [] });
  });
});
