import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { z } from 'zod';
import { parseJsonSecret } from './parse-json-secret.js';

/** Reads a secret's text by ARN (a binary secret reads as empty text). */
export type SecretReader = (secretArn: string) => Promise<string>;

export function secretsManagerReader(client: SecretsManagerClient): SecretReader {
  return async (secretArn) => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return SecretString ?? '';
  };
}

/** Reads a JSON secret and validates it; the error names the secret, never its value. */
export async function readJsonSecret<Schema extends z.ZodType>(
  read: SecretReader,
  secretArn: string,
  schema: Schema,
): Promise<z.infer<Schema>> {
  const parsed = parseJsonSecret(await read(secretArn), schema);
  if (!parsed.ok) throw new Error(`Secret ${secretArn} ${parsed.problem}.`);
  return parsed.value;
}
