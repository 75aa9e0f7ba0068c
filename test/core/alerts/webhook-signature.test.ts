import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signedHeaders, verifyWebhookSignature, webhookSignature } from '../../../lambdas/core/alerts/webhook-signature.js';
import { deliverWithRetries, retryDelayMs } from '../../../lambdas/core/alerts/deliver-with-retries.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"type":"webhook.test","data":{}}';

  it('are the hex HMAC-SHA256 of "{timestamp}.{body}" with the secret', () => {
    expect(webhookSignature(secret, 1_795_000_000, body)).toBe(createHmac('sha256', secret).update(`1795000000.${body}`).digest('hex'));
  });

  it('come with the timestamp of the attempt and the delivery id', () => {
    const headers = signedHeaders(secret, body, 'dlv_1', 1_795_000_000_999);
    expect(headers).toMatchObject({ 'content-type': 'application/json', 'x-switchboard-timestamp': '1795000000', 'x-switchboard-delivery': 'dlv_1' });
    const check = (over: Partial<{ signature: string; timestamp: string; body: string; nowMs: number }>) =>
      verifyWebhookSignature(
        secret,
        { signature: over.signature ?? headers['x-switchboard-signature'], timestamp: over.timestamp ?? headers['x-switchboard-timestamp'] },
        over.body ?? body,
        { nowMs: over.nowMs ?? 1_795_000_010_000 },
      );
    expect(check({})).toBe(true);
    expect(check({ body: `${body} ` })).toBe(false);
    expect(check({ timestamp: '1795000001' })).toBe(false);
    expect(check({ signature: 'ab' })).toBe(false);
    expect(check({ nowMs: 1_795_000_400_000 })).toBe(false);
  });
});

describe('delivery retries', () => {
  it('wait base, 2 × base, 4 × base between up to 3 retries, then give up', async () => {
    const waits: number[] = [];
    const outcome = await deliverWithRetries(async () => ({ delivered: false, status: 503, error: 'HTTP 503', retryable: true }), { retries: 3, baseDelayMs: 100 }, async (ms) => void waits.push(ms));
    expect(outcome).toMatchObject({ attempts: 4, last: { status: 503 } });
    expect(waits).toEqual([100, 200, 400]);
    expect(retryDelayMs(0, { retries: 3, baseDelayMs: 2_000 })).toBe(2_000);
  });

  it('stop at the first success, and at once when retrying cannot help', async () => {
    let calls = 0;
    const third = await deliverWithRetries(async (n) => (++calls, n === 3 ? { delivered: true, status: 200 } : { delivered: false, error: 'reset', retryable: true }), { retries: 3, baseDelayMs: 0 }, async () => undefined);
    expect(third).toEqual({ attempts: 3, last: { delivered: true, status: 200 } });
    const refused = await deliverWithRetries(async () => ({ delivered: false, error: 'private address', retryable: false }), { retries: 3, baseDelayMs: 0 }, async () => undefined);
    expect(refused.attempts).toBe(1);
  });
});
