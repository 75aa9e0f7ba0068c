import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { z } from 'zod';

/** Reads a JSON secret and validates it; the error names the secret, never its value. */
export async function readJsonSecret<Schema extends z.ZodType>(
  client: SecretsManagerClient,
  secretArn: string,
  schema: Schema,
): Promise<z.infer<Schema>> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  let json: unknown;
  try {
    json = JSON.parse(SecretString ?? '');
  } catch {
    throw new Error(`Secret ${secretArn} does not hold JSON.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new Error(`Secret ${secretArn} is missing or has invalid fields: ${fields}.`);
  }
  return parsed.data;
}
