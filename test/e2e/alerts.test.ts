import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDirectoryStore } from '../../lambdas/adapters/dynamodb/dynamodb-directory-store.js';
import { verifyWebhookSignature } from '../../lambdas/core/alerts/webhook-signature.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { eventually, eventuallyPasses } from '../support/eventually.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';
import { manageClient } from '../support/manage-client.js';
import { MeteredOpenAIUpstream } from '../support/metered-openai-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver.js';

const upstream = new MeteredOpenAIUpstream(1_000);
const receiver = new WebhookReceiver();
const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-alerts-'));
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;
let receiverUrl = '';
/** What one request costs (micro-dollars): 1,000 prompt tokens and max_tokens (1,000) completion tokens of gpt-4o-mini. */
let cost = 0;
const webhooksMade: string[] = [];
const alertsMade: string[] = [];

const tables = Object.fromEntries(['KEYS', 'POLICIES', 'USAGE', 'DIRECTORY'].map((name) => [`${name}_TABLE`, `${name.toLowerCase()}-alerts-${randomUUID()}`]));
let gatewayEnv: NodeJS.ProcessEnv;
/** The organisation's settings as stored, read past the router's cache. */
const storedDirectory = new DynamoDbDirectoryStore(testDynamoDbClient(), String(tables.DIRECTORY_TABLE));
/** How long the router keeps the organisation's settings (its balance among them). */
const directoryCacheMs = 50;

beforeAll(async () => {
  receiverUrl = await receiver.start();
  gatewayEnv = {
    ...tables,
    OPENAI_BASE_URL: await upstream.start(),
    SWITCHBOARD_DATA_DIR: dataDir,
    // Retries 20, 40, 80 ms apart: the schedule is the deployed one, only shorter.
    SWITCHBOARD_WEBHOOK_RETRY_BASE_MS: '20',
    // Alerts created by a test apply to its next request.
    SWITCHBOARD_POLICY_CACHE_TTL_MS: String(directoryCacheMs),
  };
  gateway = await startTestGateway(gatewayEnv);
  manage = manageClient(gateway.url);
  const probe = await clientOf(testKey).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 1_000 }).withResponse();
  cost = Math.round(Number(probe.response.headers.get('x-switchboard-cost')) * 1e6);
  expect(cost).toBeGreaterThan(0);
});
afterEach(async () => {
  // Webhooks and alerts are the organisation's: each test leaves none behind for the next.
  for (const id of webhooksMade.splice(0)) await manage('DELETE', `/webhook/${id}`);
  for (const id of alertsMade.splice(0)) await manage('DELETE', `/alert/${id}`);
  await gateway.deps.alerts.flush();
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
  await receiver.stop();
});

const hello = [{ role: 'user' as const, content: 'Hi' }];
const clientOf = (key: unknown, via: LocalGateway = gateway) => new OpenAI({ baseURL: `${via.url}/v1`, apiKey: String(key), maxRetries: 0 });
const ask = (key: unknown, extra: Record<string, unknown> = {}, via: LocalGateway = gateway) =>
  clientOf(key, via).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 1_000, ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming);

async function webhook(path: string, type: 'json' | 'slack' = 'json'): Promise<{ id: string; secret: string }> {
  const { status, json } = await manage('POST', '/webhook', { url: `${receiverUrl}${path}`, type, description: path });
  expect(status).toBe(201);
  webhooksMade.push(String(json.id));
  return { id: String(json.id), secret: String(json.secret) };
}

/** Sets the prepaid balance, and waits until the router's cached settings are the stored ones: its next request sees it. */
async function setBalance(dollars: number | null): Promise<void> {
  expect((await manage('POST', '/org', { balance: dollars })).status).toBe(200);
  const stored = await storedDirectory.org();
  await eventuallyPasses(async () => expect(await gateway.deps.directory.org()).toEqual(stored), "the router's cached settings to show the balance");
}

async function alert(body: Record<string, unknown>): Promise<string> {
  const { status, json } = await manage('POST', '/alert', body);
  expect(status, JSON.stringify(json)).toBe(201);
  alertsMade.push(String(json.id));
  return String(json.id);
}

async function apiKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const { json } = await manage('POST', '/apikey', { name: 'alerted', ...body });
  return { id: String(json.id), key: String(json.key) };
}

function signedBy(secret: string, delivery: ReceivedWebhook | undefined): boolean {
  const headers = delivery?.headers ?? {};
  return verifyWebhookSignature(
    secret,
    { signature: String(headers['x-switchboard-signature']), timestamp: String(headers['x-switchboard-timestamp']) },
    delivery?.body ?? '',
    { nowMs: Date.now() },
  );
}

const payloadOf = (delivery: ReceivedWebhook | undefined) => JSON.parse(delivery?.body ?? '{}') as { type: string; data: Record<string, unknown> };
const arrived = (path: string, count: number) => eventually(async () => (receiver.on(path).length >= count ? true : undefined), `${count} deliveries on ${path}`);

describe('spend alerts delivered to webhooks', () => {
  it('announce a key crossing 50, 75 and 90% of its limit exactly once each, under 100 concurrent requests to two instances, each delivery signed', async () => {
    // A second instance on the same tables, as two Lambda instances: each evaluates what it settles.
    const other = await startTestGateway(gatewayEnv);
    const { secret } = await webhook('/crossings');
    // 100 requests spend 95% of the limit.
    const key = await apiKey({ monthly_limit: (cost * 100) / 0.95 / 1e6 });
    for (const percent of [50, 75, 90]) await alert({ type: 'key.budget.exceeded_percent', threshold: percent, key_id: key.id });

    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 100 }, (_, index) => ask(key.key, {}, index % 2 === 0 ? gateway : other)));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(100);
      await arrived('/crossings', 3);
      // Everything the settlements set off has been evaluated and delivered, in both: still three.
      await Promise.all([gateway.deps.alerts.flush(), other.deps.alerts.flush()]);
      await ask(key.key, {}, other);
      await Promise.all([gateway.deps.alerts.flush(), other.deps.alerts.flush()]);
    } finally {
      await other.stop();
    }

    const deliveries = receiver.on('/crossings');
    expect(deliveries).toHaveLength(3);
    expect(deliveries.every((delivery) => signedBy(secret, delivery))).toBe(true);
    expect(new Set(deliveries.map((delivery) => delivery.headers['x-switchboard-delivery'])).size).toBe(3);
    const payloads = deliveries.map(payloadOf).sort((a, b) => Number(a.data.percentage_exceeded) - Number(b.data.percentage_exceeded));
    expect(payloads.map((payload) => payload.data.percentage_exceeded)).toEqual(['0.5', '0.75', '0.9']);
    expect(payloads[0]).toEqual({
      type: 'key.budget.exceeded_percent',
      data: { key_id: key.id, key_name: 'alerted', limit: expect.stringMatching(/^0\.\d+$/), percentage_exceeded: '0.5', alert_id: expect.stringMatching(/^alr_/), region: 'us-east-1' },
    });
    const listed = await manage('GET', '/webhook');
    expect(listed.json.data).toEqual([expect.objectContaining({ url: `${receiverUrl}/crossings`, last_delivery: expect.objectContaining({ status: 'delivered', attempts: 1, response_status: 200 }) })]);
    expect(JSON.stringify(listed.json)).not.toContain(secret);
  }, 180_000);

  it('deliver to a receiver that fails twice on the third try, as one delivery', async () => {
    const { id, secret } = await webhook('/flaky');
    receiver.answer = (path, before) => (path === '/flaky' && before < 2 ? 503 : 200);
    const key = await apiKey({});
    await alert({ type: 'key.budget.exceeded_absolute', threshold: cost / 2 / 1e6, key_id: key.id });
    await ask(key.key);

    await arrived('/flaky', 3);
    await gateway.deps.alerts.flush();
    const tries = receiver.on('/flaky');
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((attempt) => attempt.headers['x-switchboard-delivery'])).size).toBe(1);
    expect(tries.every((attempt) => signedBy(secret, attempt))).toBe(true);
    expect(payloadOf(tries[2])).toMatchObject({ type: 'key.budget.exceeded_absolute', data: { key_id: key.id } });
    const listed = (await manage('GET', '/webhook')).json.data as { id: string; last_delivery: unknown }[];
    expect(listed.find((entry) => entry.id === id)?.last_delivery).toMatchObject({ status: 'delivered', attempts: 3, response_status: 200, error: null });
  }, 120_000);

  it('leave what a receiver that is always down never took in the dead letters, and deliver it on replay', async () => {
    const { id, secret } = await webhook('/down');
    let down = true;
    receiver.answer = (path) => (path === '/down' && down ? 503 : 200);
    const key = await apiKey({});
    await alert({ type: 'key.budget.exceeded_absolute', threshold: cost / 2 / 1e6, key_id: key.id });
    await ask(key.key);

    await arrived('/down', 4);
    await gateway.deps.alerts.flush();
    expect(receiver.on('/down')).toHaveLength(4);
    const listed = (await manage('GET', '/webhook')).json.data as { id: string; last_delivery: unknown }[];
    expect(listed.find((entry) => entry.id === id)?.last_delivery).toMatchObject({ status: 'failed', attempts: 4, response_status: 503 });
    const letters = readFileSync(join(dataDir, 'dead-letters', 'alerts.jsonl'), 'utf8').trim().split('\n');
    expect(letters.filter((line) => line.includes(id))).toHaveLength(1);

    down = false;
    expect((await manage('POST', `/webhook/${id}/replay`)).json).toEqual({ webhook_id: id, replayed: 1, failed: 0 });
    await arrived('/down', 5);
    const [first, replayed] = [receiver.on('/down')[0], receiver.on('/down')[4]];
    expect(replayed?.headers['x-switchboard-delivery']).toBe(first?.headers['x-switchboard-delivery']);
    expect(signedBy(secret, replayed)).toBe(true);
    expect(replayed?.body).toBe(first?.body);
    await gateway.deps.alerts.flush();
    expect((await manage('POST', `/webhook/${id}/replay`)).json).toEqual({ webhook_id: id, replayed: 0, failed: 0 });
    expect(readFileSync(join(dataDir, 'dead-letters', 'alerts.jsonl'), 'utf8')).not.toContain(id);
  }, 120_000);

  it("send Slack webhooks the alerts as text: a group's budget with its admins, and a user's spend by requesty.user_id", async () => {
    await webhook('/slack', 'slack');
    const group = await manage('POST', '/group', { name: 'Engineering', monthly_limit: (cost * 4) / 1e6 });
    const groupId = String(group.json.id);
    await manage('POST', `/group/${groupId}/member`, { user_id: 'ann@example.com', role: 'admin' });
    await manage('POST', `/group/${groupId}/member`, { user_id: 'bob@example.com' });
    const key = await apiKey({ group_id: groupId });
    await alert({ type: 'group.budget.exceeded_percent', threshold: 20, group_id: groupId });
    await alert({ type: 'user.budget.exceeded_absolute', threshold: '0.0001', group_id: groupId });
    await ask(key.key, { requesty: { user_id: 'alice@example.com' } });

    await arrived('/slack', 2);
    await gateway.deps.alerts.flush();
    const texts = receiver.on('/slack').map((delivery) => (JSON.parse(delivery.body) as { text: string }).text);
    expect(texts.sort()).toEqual([
      `Group Spend Threshold Exceeded — Engineering exceeded 20% of the $${((cost * 4) / 1e6).toString()} monthly limit (us-east-1). Group admins: ann@example.com`,
      'User Spend Threshold Exceeded — alice@example.com exceeded $0.0001 spend threshold in group Engineering (us-east-1)',
    ]);
  }, 120_000);

  it('announce a low balance once, and again only after a top-up raised it above the threshold', async () => {
    const { secret } = await webhook('/balance');
    await alert({ type: 'org.balance.below_absolute', threshold: (cost * 1.5) / 1e6 });
    await setBalance((cost * 2.2) / 1e6);
    const key = await apiKey({});
    try {
      await ask(key.key); // 1.2 requests' worth left: below 1.5
      await ask(key.key); // 0.2 left: still below, no new announcement
      await gateway.deps.alerts.flush();
      expect(receiver.on('/balance')).toHaveLength(1);
      const [low] = receiver.on('/balance');
      expect(signedBy(secret, low)).toBe(true);
      expect(payloadOf(low)).toMatchObject({ type: 'org.balance.below_absolute', data: { balance_threshold: ((cost * 1.5) / 1e6).toString(), current_balance: expect.stringMatching(/^0\.\d{2,}$/) } });

      await setBalance((cost * 0.5) / 1e6); // topped up, but still below: not re-armed
      await ask(key.key, { max_tokens: 1 });
      await gateway.deps.alerts.flush();
      expect(receiver.on('/balance')).toHaveLength(1);

      await setBalance((cost * 3) / 1e6); // above the threshold again: re-armed
      await ask(key.key);
      await gateway.deps.alerts.flush();
      await ask(key.key); // 1 request's worth left: below again
      await arrived('/balance', 2);
      await gateway.deps.alerts.flush();
      const events = receiver.on('/balance').map((delivery) => delivery.headers['x-switchboard-delivery']);
      expect(events).toHaveLength(2);
      expect(new Set(events).size).toBe(2);
    } finally {
      await setBalance(null);
    }
  }, 120_000);
});

describe('webhook and alert management', () => {
  it('refuses webhook URLs that point at private, link-local or metadata addresses, in the API error shape', async () => {
    for (const url of ['http://10.0.0.7/hook', 'http://192.168.1.20/hook', 'http://169.254.169.254/latest/meta-data/', 'https://[fd00:ec2::254]/', 'http://[::ffff:172.16.0.1]/', 'http://100.64.1.1/']) {
      const { status, json } = await manage('POST', '/webhook', { url, type: 'json' });
      expect(status, url).toBe(400);
      expect(json.error, url).toMatchObject({ code: 'invalid_request', param: 'url', message: expect.stringMatching(/public addresses only/) });
    }
    expect((await manage('GET', '/webhook')).json.data).toEqual([]);
  });

  it('show a webhook secret only on creation, send a signed test event, and answer unknown ids with 404', async () => {
    const { id, secret } = await webhook('/tested');
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    const tested = await manage('POST', `/webhook/${id}/test`);
    expect(tested.json).toMatchObject({ webhook_id: id, status: 'delivered', attempts: 1, response_status: 200 });
    expect(signedBy(secret, receiver.on('/tested')[0])).toBe(true);
    expect(payloadOf(receiver.on('/tested')[0])).toEqual({ type: 'webhook.test', data: { webhook_id: id, message: expect.any(String) } });
    expect((await manage('POST', '/webhook/whk_nope/test')).json.error).toMatchObject({ code: 'webhook_not_found' });
    expect((await manage('DELETE', '/webhook/whk_nope')).status).toBe(404);
    expect((await manage('POST', '/webhook', { url: `${receiverUrl}/x`, type: 'teams' })).json.error).toMatchObject({ param: 'type' });
  });

  it('list and delete alerts, and refuse invalid ones naming the field', async () => {
    const id = await alert({ type: 'org.balance.below_absolute', threshold: '25.50', description: 'top up soon' });
    expect((await manage('GET', '/alert')).json.data).toEqual([
      { id, type: 'org.balance.below_absolute', threshold: 25.5, key_id: null, group_id: null, description: 'top up soon', created_at: expect.any(String) },
    ]);
    for (const [body, param] of [
      [{ type: 'key.budget.exceeded_percent', threshold: 150 }, 'threshold'],
      [{ type: 'key.budget.exceeded_percent', threshold: 50, key_id: 'key_missing' }, 'key_id'],
      [{ type: 'group.budget.exceeded_percent', threshold: 50, group_id: 'grp_missing' }, 'group_id'],
      [{ type: 'org.budget.exceeded_percent', threshold: 50, group_id: 'grp_x' }, 'group_id'],
      [{ type: 'nope', threshold: 50 }, 'type'],
    ] as const) {
      const { status, json } = await manage('POST', '/alert', body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json.error?.param).toBe(param);
    }
    expect((await manage('DELETE', `/alert/${id}`)).json).toEqual({ id, deleted: true });
    alertsMade.splice(0);
    expect((await manage('DELETE', `/alert/${id}`)).status).toBe(404);
  });
});
