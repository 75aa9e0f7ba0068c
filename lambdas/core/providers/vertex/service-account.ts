import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

/**
 * The parts of a Google service-account key file (the JSON the console downloads) the gateway
 * signs with: https://cloud.google.com/iam/docs/keys-create-delete. Other fields are dropped.
 */
export const serviceAccountSchema = z.object({
  type: z.literal('service_account'),
  project_id: z.string().min(1).optional(),
  private_key_id: z.string().min(1).optional(),
  private_key: z.string().refine(isPrivateKey, 'not a PEM private key'),
  client_email: z.string().min(1),
  token_uri: z.url().default('https://oauth2.googleapis.com/token'),
});

export type ServiceAccount = z.infer<typeof serviceAccountSchema>;

function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}
