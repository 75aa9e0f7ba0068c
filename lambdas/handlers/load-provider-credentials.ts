import { z } from 'zod';
import { parseJsonSecret } from '../adapters/secrets/parse-json-secret.js';
import type { SecretReader } from '../adapters/secrets/secrets-manager-json.js';
import type { ProviderCredentials } from '../core/providers/provider.js';
import { serviceAccountSchema } from '../core/providers/vertex/service-account.js';
import type { MisconfiguredProvider, ProviderSetup } from '../gateway/gateway-config.js';

/**
 * What an operator puts into a provider's secret. An empty secret (`{}`) leaves its provider
 * unconfigured until someone sets a key; an unknown field is refused, so a misspelt `apiKey`
 * is reported rather than silently ignored.
 */
const providerSecretSchema = z.strictObject({
  apiKey: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  apiVersion: z.string().min(1).optional(),
  /** Vertex AI: a service-account key file's JSON, the project (else the key's), the default region. */
  serviceAccount: serviceAccountSchema.optional(),
  project: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
});

/** A provider that cannot be used, and the secret to blame. */
export interface ProviderSecretProblem {
  provider: string;
  secretArn: string;
  reason: string;
}

export interface LoadedProviderCredentials {
  credentials: Record<string, ProviderSetup>;
  problems: ProviderSecretProblem[];
}

const remedy = 'fix the secret, then start new router instances (see "Deploying to AWS" in the README).';

/**
 * Reads and validates each provider's secret on its own: a secret that cannot be read, is not
 * JSON or has invalid fields makes only its provider misconfigured. Reasons name the provider's
 * secret and the fields at fault, never a value.
 */
export async function loadProviderCredentials(
  secretArns: Readonly<Record<string, string>>,
  read: SecretReader,
): Promise<LoadedProviderCredentials> {
  const loaded = await Promise.all(
    Object.entries(secretArns).map(async ([provider, secretArn]) => {
      const outcome = await loadOne(secretArn, read);
      return { provider, secretArn, outcome };
    }),
  );
  const problems = loaded.flatMap(({ provider, secretArn, outcome }) =>
    'misconfigured' in outcome ? [{ provider, secretArn, reason: outcome.misconfigured.reason }] : [],
  );
  return { credentials: Object.fromEntries(loaded.map(({ provider, outcome }) => [provider, outcome])), problems };
}

async function loadOne(secretArn: string, read: SecretReader): Promise<ProviderCredentials | MisconfiguredProvider> {
  const secret = `its secret ${secretName(secretArn)}`;
  let text: string;
  try {
    text = await read(secretArn);
  } catch (error) {
    // Only the error's class: an SDK message may quote more than the caller should see.
    const kind = error instanceof Error ? error.name : 'unknown error';
    return { misconfigured: { reason: `${secret} could not be read (${kind}); ${remedy}` } };
  }
  const parsed = parseJsonSecret(text, providerSecretSchema);
  if (!parsed.ok) return { misconfigured: { reason: `${secret} ${parsed.problem}; ${remedy}` } };
  return Object.fromEntries(Object.entries(parsed.value).filter(([, value]) => value !== undefined));
}

/** `arn:aws:secretsmanager:<region>:<account>:secret:<name>` → `<name>`; callers need not see the account. */
function secretName(secretArn: string): string {
  const marker = ':secret:';
  const at = secretArn.indexOf(marker);
  return at === -1 ? secretArn : secretArn.slice(at + marker.length);
}
