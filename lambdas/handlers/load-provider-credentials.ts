import { z } from 'zod';
import { checkSecretValue } from '../adapters/secrets/parse-json-secret.js';
import type { SecretReader } from '../adapters/secrets/secrets-manager-json.js';
import type { ProviderCredentials } from '../core/providers/provider.js';
import { chatProviders } from '../core/providers/registry.js';
import { serviceAccountSchema } from '../core/providers/vertex/service-account.js';
import type { MisconfiguredProvider, ProviderSetup } from '../gateway/gateway-config.js';

/** Providers that take nothing from the secret: the built-in mock, and Bedrock (the Lambda role signs its calls). */
const providersWithoutSecrets = new Set(['mock', 'bedrock']);

/** The provider ids the provider secret may configure. */
export const secretProviders: readonly string[] = Object.keys(chatProviders).filter((id) => !providersWithoutSecrets.has(id));

/**
 * One provider's entry in the secret. An unknown field is refused, so a misspelt `apiKey` is
 * reported rather than silently ignored.
 */
const providerEntrySchema = z.strictObject({
  apiKey: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  apiVersion: z.string().min(1).optional(),
  /** Vertex AI: a service-account key file's JSON, the project (else the key's), the default region. */
  serviceAccount: serviceAccountSchema.optional(),
  project: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
});

/**
 * The whole secret: an object keyed by provider id. Entries stay unparsed here so that one bad
 * entry disables only its provider.
 */
const providerSecretSchema = z.record(z.string(), z.unknown());

/** What is wrong with the secret, ready to be logged as one JSON line; never a value. */
export type ProviderSecretProblem =
  | { msg: 'provider secret unusable'; reason: string }
  | { msg: 'provider misconfigured'; provider: string; reason: string }
  | { msg: 'provider secret names unknown providers'; providers: string[]; reason: string };

export interface LoadedProviderCredentials {
  credentials: Record<string, ProviderSetup>;
  problems: ProviderSecretProblem[];
}

const remedy = 'fix the secret, then start new router instances (see "Deploying to AWS" in the README).';

/**
 * Reads the provider secret once and validates each provider's entry on its own: an entry that is
 * not an object or has a missing, invalid or unknown field makes only its provider misconfigured;
 * an absent entry leaves its provider unconfigured. A secret that cannot be read or is not a JSON
 * object makes every provider that takes credentials from it misconfigured (the mock and Bedrock
 * keep serving). Reasons name the secret, the provider and the fields at fault, never a value.
 */
export async function loadProviderCredentials(secretArn: string, read: SecretReader): Promise<LoadedProviderCredentials> {
  const secret = `the provider secret ${secretName(secretArn)}`;
  const whole = await readWhole(secretArn, read);
  if (!whole.ok) {
    const reason = `${secret} ${whole.problem}; ${remedy}`;
    const misconfigured: MisconfiguredProvider = { misconfigured: { reason } };
    return {
      credentials: Object.fromEntries(secretProviders.map((provider) => [provider, misconfigured])),
      problems: [{ msg: 'provider secret unusable', reason }],
    };
  }
  const credentials: Record<string, ProviderSetup> = {};
  const problems: ProviderSecretProblem[] = [];
  for (const provider of secretProviders) {
    if (!Object.hasOwn(whole.entries, provider)) continue;
    const setup = entrySetup(whole.entries[provider], `its entry "${provider}" in ${secret}`);
    credentials[provider] = setup;
    if ('misconfigured' in setup) problems.push({ msg: 'provider misconfigured', provider, reason: setup.misconfigured.reason });
  }
  const unknown = Object.keys(whole.entries).filter((id) => !secretProviders.includes(id));
  if (unknown.length > 0) {
    problems.push({ msg: 'provider secret names unknown providers', providers: unknown.map(shortId), reason: unknownReason(secret, unknown) });
  }
  return { credentials, problems };
}

async function readWhole(secretArn: string, read: SecretReader): Promise<{ ok: true; entries: Record<string, unknown> } | { ok: false; problem: string }> {
  let text: string;
  try {
    text = await read(secretArn);
  } catch (error) {
    // Only the error's class: an SDK message may quote more than the caller should see.
    return { ok: false, problem: `could not be read (${error instanceof Error ? error.name : 'unknown error'})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'does not hold JSON' };
  }
  const parsed = providerSecretSchema.safeParse(json);
  return parsed.success ? { ok: true, entries: parsed.data } : { ok: false, problem: 'does not hold a JSON object keyed by provider id' };
}

function entrySetup(entry: unknown, where: string): ProviderCredentials | MisconfiguredProvider {
  if (!isObject(entry)) return { misconfigured: { reason: `${where} is not an object; ${remedy}` } };
  const parsed = checkSecretValue(entry, providerEntrySchema);
  if (!parsed.ok) return { misconfigured: { reason: `${where} ${parsed.problem}; ${remedy}` } };
  return Object.fromEntries(Object.entries(parsed.value).filter(([, value]) => value !== undefined));
}

/** An unknown id is usually a typo (its provider then stays unconfigured) or an old one-provider secret pasted whole. */
function unknownReason(secret: string, unknown: readonly string[]): string {
  const credentialFields = Object.keys(providerEntrySchema.shape);
  const pastedWhole = unknown.some((id) => credentialFields.includes(id))
    ? ' It looks like one provider\'s credentials: nest them under the provider\'s id, as {"openai": {"apiKey": "..."}}.'
    : '';
  return `${secret} has entries for unknown providers, which are ignored: ${unknown.map(shortId).join(', ')}. Providers it configures: ${secretProviders.join(', ')} (mock and bedrock take no credentials).${pastedWhole}`;
}

/** Entry names are not values, but one longer than any provider id may be a pasted key: only its first characters are shown. */
function shortId(id: string): string {
  return id.length > 24 ? `${id.slice(0, 4)}…` : id;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `arn:aws:secretsmanager:<region>:<account>:secret:<name>` → `<name>`; callers need not see the account. */
function secretName(secretArn: string): string {
  const marker = ':secret:';
  const at = secretArn.indexOf(marker);
  return at === -1 ? secretArn : secretArn.slice(at + marker.length);
}
