import { describe, expect, it } from 'vitest';
import { mergeProviderSecrets } from '../../scripts/provider-secrets/merge-provider-secrets.js';

const described = (provider: string) => `Switchboard credentials for provider "${provider}": {"apiKey": "...", "baseUrl"?: "..."}`;

describe('mergeProviderSecrets', () => {
  it('merges the old per-provider secrets under their provider ids, leaving out empty ones and naming those it could not use', () => {
    const account = { type: 'service_account', client_email: 'a@b.iam.gserviceaccount.com', private_key: 'k' };
    const result = mergeProviderSecrets([
      { name: 'GatewayProviderSecretsopenai1-abc', description: described('openai'), text: '{"apiKey": "sk-1", "baseUrl": "https://eu.api.openai.com/v1"}' },
      { name: 'GatewayProviderSecretsvertex2-abc', description: described('vertex'), text: JSON.stringify({ serviceAccount: account, region: 'europe-west4' }, null, 2) },
      { name: 'GatewayProviderSecretsgroq3-abc', description: described('groq'), text: '{}' },
      { name: 'GatewayProviderSecretsmistral4-abc', description: described('mistral'), text: '{"apiKey": "sk-4"' },
      { name: 'GatewayProviderSecretsgoogle5-abc', description: described('google'), text: undefined },
      { name: 'GatewayOriginSecret-abc', description: 'Switchboard: header value CloudFront adds', text: '{"current": "x"}' },
    ]);
    expect(result.merged).toEqual({
      openai: { apiKey: 'sk-1', baseUrl: 'https://eu.api.openai.com/v1' },
      vertex: { serviceAccount: account, region: 'europe-west4' },
    });
    expect(result.exported).toEqual(['openai', 'vertex']);
    expect(result.empty).toEqual(['groq']);
    expect(result.skipped).toEqual([
      { name: 'GatewayProviderSecretsmistral4-abc', reason: 'does not hold a JSON object' },
      { name: 'GatewayProviderSecretsgoogle5-abc', reason: 'could not be read' },
    ]);
    expect(JSON.stringify(result.skipped)).not.toContain('sk-4');
  });
});
