import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { startSpawnedGateway, type SpawnedGateway } from '../support/spawned-gateway.js';

/**
 * `npm start` with its own DynamoDB Local, paused (SIGSTOP) or killed (SIGKILL) under it. Caches
 * expire at once, so every request asks the store and the outage is met on every path; the store
 * limits are roomy for a busy machine, and the deadline is the bound a request may wait on it.
 */
const storeDeadlineMs = 10_000;
const outageEnv = {
  SWITCHBOARD_KEY_CACHE_TTL_MS: '1',
  SWITCHBOARD_POLICY_CACHE_TTL_MS: '1',
  SWITCHBOARD_STORE_TIMEOUT_MS: '5000',
  SWITCHBOARD_STORE_ATTEMPTS: '2',
  SWITCHBOARD_STORE_DEADLINE_MS: String(storeDeadlineMs),
  SWITCHBOARD_STORE_COOLDOWN_MS: '1000',
};
/** A request not answered by then hangs: the bound plus a wide margin for a busy machine. */
const answerWithinMs = 4 * storeDeadlineMs;

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

function client(gateway: SpawnedGateway) {
  const call = async (method: string, path: string, key: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(answerWithinMs),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
  };
  return {
    chat: (key: string, model = 'mock/echo') => call('POST', '/v1/chat/completions', key, { model, messages: [{ role: 'user', content: 'still there?' }] }),
    messages: (key: string) => call('POST', '/v1/messages', key, { model: 'mock/echo', max_tokens: 64, messages: [{ role: 'user', content: 'still there?' }] }),
    manage: (method: string, path: string, body?: unknown) => call(method, `/v1/manage${path}`, gateway.adminKey, body),
  };
}

/** The Java process of the gateway's DynamoDB Local, from the line `npm start` prints. */
function dynamoDbPid(gateway: SpawnedGateway): number {
  const match = /DynamoDB Local is running on \S+ \(pid (\d+)\)/.exec(gateway.output());
  if (!match) throw new Error(`No DynamoDB Local pid in:\n${gateway.output()}`);
  return Number(match[1]);
}

/** A capped key (a monthly limit of $10), made through the management API. */
async function cappedKey(api: ReturnType<typeof client>): Promise<{ id: string; key: string }> {
  const created = await api.manage('POST', '/apikey', { name: 'capped', monthly_limit: 10 });
  expect(created.status).toBe(201);
  return { id: created.json.id as string, key: created.json.key as string };
}

async function requestsOf(api: ReturnType<typeof client>, keyId: string): Promise<number> {
  const now = Date.now();
  const { json } = await api.manage('POST', `/apikey/${keyId}/usage`, { start: new Date(now - 3_600_000).toISOString(), end: new Date(now + 3_600_000).toISOString(), resolution: 'month' });
  return Object.values(json.usage as Record<string, { requests: number }>).reduce((sum, month) => sum + month.requests, 0);
}

function expectStoreUnavailable(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.json).toEqual({ error: { message: expect.any(String), type: 'server_error', code: 'store_unavailable', param: null } });
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

describe('npm start with its DynamoDB Local down', () => {
  it('while the store is paused: capped keys, unknown keys and the management API get 503 with Retry-After, an uncapped key seen before is served; all recovers when it resumes', async () => {
    const gateway = await startSpawnedGateway({ env: outageEnv });
    const api = client(gateway);
    const pid = dynamoDbPid(gateway);
    try {
      const capped = await cappedKey(api);
      expect((await api.manage('POST', '/policy', { name: 'steady', type: 'fallback', models: [{ model: 'mock/echo' }] })).status).toBe(201);
      const keys = await api.manage('GET', '/apikey');
      const development = (keys.json.data as { id: string; name: string }[]).find((key) => key.name === 'development');
      expect((await api.chat(capped.key)).status).toBe(200);
      expect((await api.chat(gateway.apiKey, 'policy/steady')).status).toBe(200);
      // Written before the outage, so what is written after it is the outage's own usage.
      await eventually(async () => ((await requestsOf(api, capped.id)) === 1 && (await requestsOf(api, development?.id ?? '')) === 1 ? true : undefined), 'usage before the outage');

      process.kill(pid, 'SIGSTOP');
      try {
        expectStoreUnavailable(await api.chat(capped.key));
        const anthropic = await api.messages(capped.key);
        expect(anthropic.status).toBe(503);
        expect(anthropic.json).toEqual({ type: 'error', error: { type: 'overloaded_error', message: expect.stringContaining('store') } });
        expect(Number(anthropic.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expectStoreUnavailable(await api.chat('sb-never-seen-before'));
        expectStoreUnavailable(await api.manage('GET', '/apikey'));
        // No limit applies to the development key: served from what was read before, policy included.
        const served = await api.chat(gateway.apiKey, 'policy/steady');
        expect(served.status).toBe(200);
        expect(served.headers.get('x-switchboard-budget-remaining')).toBe('unlimited');
        expect(await gateway.serves()).toBe(true);
      } finally {
        process.kill(pid, 'SIGCONT');
      }

      await eventually(async () => ((await api.manage('GET', '/apikey')).status === 200 ? true : undefined), 'the management API to answer again');
      // The request served during the outage is written now, once. (Before the capped key's next
      // request, so that the two keys' usage is not written in one batch.)
      await eventually(async () => ((await requestsOf(api, development?.id ?? '')) === 2 ? true : undefined), 'the outage’s usage to be written');
      expect((await api.chat('sb-never-seen-before')).status).toBe(401);
      expect((await api.chat(capped.key)).status).toBe(200);
      await eventually(async () => ((await requestsOf(api, capped.id)) === 2 ? true : undefined), 'the capped key’s usage after the outage');
      expect(gateway.output()).toContain('The store is unavailable');
      expect(gateway.output()).toContain('The store answers again');
    } finally {
      await gateway.stop();
    }
  }, 240_000);

  it('when the store is killed: 503 while it is gone, then the supervisor starts it again and everything is served', async () => {
    const gateway = await startSpawnedGateway({ env: outageEnv });
    const api = client(gateway);
    try {
      const capped = await cappedKey(api);
      expect((await api.chat(capped.key)).status).toBe(200);
      expect((await api.chat(gateway.apiKey)).status).toBe(200);

      process.kill(dynamoDbPid(gateway), 'SIGKILL');
      // Java needs seconds to start again: these meet the store gone.
      expectStoreUnavailable(await api.chat(capped.key));
      expectStoreUnavailable(await api.chat('sb-never-seen-before'));
      expect((await api.chat(gateway.apiKey)).status).toBe(200);

      await gateway.waitFor('DynamoDB Local was killed by SIGKILL; restarted');
      await eventually(async () => ((await api.chat(capped.key)).status === 200 ? true : undefined), 'the capped key to be served again');
      expect((await api.manage('GET', '/apikey')).status).toBe(200);
      expect((await api.chat('sb-never-seen-before')).status).toBe(401);
      expect(await gateway.serves()).toBe(true);
    } finally {
      await gateway.stop();
    }
  }, 240_000);
});
