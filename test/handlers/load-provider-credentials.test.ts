import { describe, expect, it } from 'vitest';
import { loadProviderCredentials } from '../../lambdas/handlers/load-provider-credentials.js';
import { testServiceAccount } from '../support/test-service-account.js';

const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
const canary = 'sk-canary-value-that-must-never-be-shown';

const secrets: Record<string, string> = {
  [arn('openai')]: JSON.stringify({ apiKey: canary, baseUrl: 'https://api.openai.com/v1' }),
  [arn('anthropic')]: `{"apiKey": "${canary}"`,
  [arn('google')]: JSON.stringify({ apiKey: canary, baseUrl: 'not a url' }),
  [arn('mistral')]: JSON.stringify({ api_key: canary }),
  [arn('groq')]: JSON.stringify({}),
};

/** A reader over the secrets above; any other ARN fails as Secrets Manager does for a missing one. */
async function read(secretArn: string): Promise<string> {
  const text = secrets[secretArn];
  if (text === undefined) throw Object.assign(new Error(`Secrets Manager can't find ${secretArn}: ${canary}`), { name: 'ResourceNotFoundException' });
  return text;
}

describe('loadProviderCredentials', () => {
  it('keeps good secrets and marks only the providers whose secret is not JSON, invalid or unreadable', async () => {
    const { credentials, problems } = await loadProviderCredentials(
      {
        openai: arn('openai'),
        anthropic: arn('anthropic'),
        google: arn('google'),
        mistral: arn('mistral'),
        groq: arn('groq'),
        deepseek: arn('deepseek'),
      },
      read,
    );
    expect(credentials.openai).toEqual({ apiKey: canary, baseUrl: 'https://api.openai.com/v1' });
    // An empty secret is a provider nobody has configured yet, not a broken one.
    expect(credentials.groq).toEqual({});
    expect(problems.map((problem) => problem.provider).sort()).toEqual(['anthropic', 'deepseek', 'google', 'mistral']);

    const reasonOf = (provider: string) => {
      const setup = credentials[provider];
      return setup && 'misconfigured' in setup ? setup.misconfigured.reason : undefined;
    };
    expect(reasonOf('anthropic')).toMatch(/^its secret anthropic-AbCdEf does not hold JSON; fix the secret/);
    expect(reasonOf('google')).toMatch(/^its secret google-AbCdEf is missing or has invalid fields: baseUrl;/);
    expect(reasonOf('mistral')).toMatch(/^its secret mistral-AbCdEf is missing or has invalid fields: api_key \(unknown\);/);
    expect(reasonOf('deepseek')).toMatch(/^its secret deepseek-AbCdEf could not be read \(ResourceNotFoundException\);/);
    for (const problem of problems) {
      expect(problem.secretArn).toBe(arn(problem.provider));
      expect(problem.reason).toBe(reasonOf(problem.provider));
    }
    // Neither the reasons nor the account id in the ARN reach what a caller may see.
    expect(JSON.stringify(problems)).not.toContain(canary);
    for (const problem of problems) expect(problem.reason).not.toContain('123456789012');
  });

  it('reads Vertex’s service account, project and region, and names a broken key’s field, never its value', async () => {
    const { account } = testServiceAccount('https://oauth2.googleapis.com/token');
    const vertexSecrets: Record<string, string> = {
      [arn('vertex')]: JSON.stringify({ serviceAccount: account, project: 'billed-project', region: 'europe-west4' }),
      [arn('vertex-broken')]: JSON.stringify({ serviceAccount: { ...account, private_key: canary } }),
    };
    const { credentials, problems } = await loadProviderCredentials(
      { vertex: arn('vertex'), broken: arn('vertex-broken') },
      async (secretArn) => vertexSecrets[secretArn] ?? '{}',
    );
    expect(credentials.vertex).toMatchObject({ project: 'billed-project', region: 'europe-west4', serviceAccount: { client_email: account.client_email, private_key: account.private_key } });
    expect(problems.map((problem) => problem.reason)).toEqual([expect.stringMatching(/invalid fields: serviceAccount\.private_key;/)]);
    expect(JSON.stringify(problems)).not.toContain(canary);
  });

  it('loads nothing and reports nothing when no provider has a secret', async () => {
    expect(await loadProviderCredentials({}, read)).toEqual({ credentials: {}, problems: [] });
  });
});
