import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers every delivery carries (see DESIGN.md and the README's Alerts section). */
export const signatureHeader = 'x-switchboard-signature';
export const timestampHeader = 'x-switchboard-timestamp';
export const deliveryHeader = 'x-switchboard-delivery';

/** Hex HMAC-SHA256 of `"{timestamp}.{body}"` keyed with the webhook's secret (the whole `whsec_...` string). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The headers of one attempt. The timestamp (Unix seconds) is the attempt's, so receivers can
 * refuse old replays; the delivery id stays the same across attempts, so they can de-duplicate.
 */
export function signedHeaders(secret: string, body: string, deliveryId: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Switchboard-Webhooks/1.0',
    [signatureHeader]: webhookSignature(secret, timestamp, body),
    [timestampHeader]: String(timestamp),
    [deliveryHeader]: deliveryId,
  };
}

/** What a receiver does: the signature matches and the timestamp is within `toleranceSeconds` of now. */
export function verifyWebhookSignature(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  { nowMs, toleranceSeconds = 300 }: { nowMs: number; toleranceSeconds?: number },
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body), 'hex');
  const given = Buffer.from(headers.signature ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
