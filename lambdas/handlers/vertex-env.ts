import { readFileSync } from 'node:fs';
import { parseJsonSecret } from '../adapters/secrets/parse-json-secret.js';
import type { ProviderCredentials } from '../core/providers/provider.js';
import { serviceAccountSchema } from '../core/providers/vertex/service-account.js';

/**
 * Local mode's Vertex AI settings: `VERTEX_CREDENTIALS` (a service-account key file's JSON, or
 * its path), `VERTEX_PROJECT` (else the key's project), `VERTEX_REGION` (where models without an
 * `@region` run). `VERTEX_BASE_URL` is read with the other providers' base URLs.
 */
export function vertexCredentialsFromEnv(env: NodeJS.ProcessEnv, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): ProviderCredentials {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  const source = value('VERTEX_CREDENTIALS');
  const project = value('VERTEX_PROJECT');
  const region = value('VERTEX_REGION');
  const settings: ProviderCredentials = { ...(project ? { project } : {}), ...(region ? { region } : {}) };
  if (!source) return settings;
  let text = source;
  if (!source.trimStart().startsWith('{')) {
    try {
      text = readFile(source);
    } catch {
      throw new Error(`Invalid configuration: VERTEX_CREDENTIALS names a file that cannot be read (${source}).`);
    }
  }
  // The problem names fields, never values: the key must not reach a log.
  const parsed = parseJsonSecret(text, serviceAccountSchema);
  if (!parsed.ok) throw new Error(`Invalid configuration: VERTEX_CREDENTIALS ${parsed.problem} (a service-account key file is expected).`);
  return { ...settings, serviceAccount: parsed.value };
}
