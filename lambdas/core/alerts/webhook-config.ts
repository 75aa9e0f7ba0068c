import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** JSON: Requesty's payload as is; Slack: an incoming-webhook message with the same facts as text. */
export const webhookTypes = ['json', 'slack'] as const;
export type WebhookType = (typeof webhookTypes)[number];

/** How many webhooks an organisation may have; each alert goes to every one. */
export const maxWebhooks = 20;

/** `POST /v1/manage/webhook`. */
export const createWebhookRequestSchema = z
  .object({
    url: z.string().min(1).max(2048),
    type: z.enum(webhookTypes).default('json'),
    description: z.string().max(1024).optional(),
  })
  .strict();

/**
 * A webhook as stored. Its signing secret is kept sealed (see SecretBox): the store alone,
 * a backup or an export of it, never reveals it.
 */
export const webhookRecordSchema = z.object({
  id: z.string(),
  url: z.string(),
  type: z.enum(webhookTypes),
  description: z.string(),
  sealedSecret: z.string(),
  createdAt: z.number(),
});

export type WebhookRecord = z.infer<typeof webhookRecordSchema>;

/** The outcome of a webhook's latest delivery, as `GET /v1/manage/webhook` shows it. */
export const deliveryStatusSchema = z.object({
  deliveryId: z.string(),
  eventType: z.string(),
  /** Epoch ms of the last attempt. */
  at: z.number(),
  outcome: z.enum(['delivered', 'failed']),
  attempts: z.number().int().positive(),
  /** The receiver's HTTP status on the last attempt, when it answered. */
  responseStatus: z.number().int().optional(),
  /** Why the last attempt failed, without the URL (a Slack URL is a credential). */
  error: z.string().optional(),
  region: z.string(),
});

export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/** A webhook's id: public, shown in the API and in the deliveries' dead letters. */
export function newWebhookId(): string {
  return `whk_${randomBytes(16).toString('hex')}`;
}

/** A signing secret: 256 random bits, prefixed so it is recognisable wherever it is pasted. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
