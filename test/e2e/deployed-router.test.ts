// The Lambda globals the router's middy handler needs at import time, as on Lambda.
import '../../lambdas/local/lambda-streaming-shim.js';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { handler } from '../../lambdas/handlers/router.js';
import { functionUrlServer } from '../../lambdas/local/function-url-server.js';
import type { StreamingHandler } from '../../lambdas/local/lambda-streaming-shim.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { MockSecretsManager } from '../support/mock-secrets-manager.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

/**
 * The deployed router's own entry (lambdas/handlers/router.ts) as Lambda runs it: its secrets
 * from a local Secrets Manager double, its tables in DynamoDB Local (created, with the test keys,
 * by a local gateway whose management API also stores the policies).
 */
const secretArn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:switchboard-${name}-AbCdEf`;
const originArn = secretArn('origin');
const providerArn = secretArn('providers');
const oldOrigin = `origin-${randomUUID()}-${randomUUID()}`;
const newOrigin = `origin-${randomUUID()}-${randomUUID()}`;
const canary = `sk-canary-${randomUUID()}`;

const secrets = new MockSecretsManager();
const upstream = new MockOpenAIUpstream();
let local: LocalGateway;
let router: Server;
let routerUrl: string;
let errorLines: string[] = [];

beforeAll(async () => {
  const tables = {
    KEYS_TABLE: `keys-${randomUUID()}`,
    POLICIES_TABLE: `policies-${randomUUID()}`,
    USAGE_TABLE: `usage-${randomUUID()}`,
    DIRECTORY_TABLE: `directory-${randomUUID()}`,
  };
  const secretsUrl = await secrets.start();
  secrets.set(originArn, JSON.stringify({ current: oldOrigin }));
  secrets.set(
    providerArn,
    JSON.stringify({
      openai: { apiKey: canary, baseUrl: await upstream.start() },
      anthropic: { apiKey: canary, api_version: '2023-06-01' },
      google: canary,
      'open-ai': { apiKey: canary },
    }),
  );
  local = await startTestGateway(tables);

  for (const [name, value] of Object.entries({
    ...tables,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
    DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'),
    ORIGIN_VERIFY_SECRET_ARN: originArn,
    PROVIDER_SECRET_ARN: providerArn,
    SWITCHBOARD_USAGE_WRITES: 'sync',
  })) {
    vi.stubEnv(name, value);
  }
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errorLines.push(String(line)));
  router = functionUrlServer(() => ({ invokeMode: 'RESPONSE_STREAM', handler: handler as unknown as StreamingHandler }));
  await new Promise<void>((resolve) => router.listen(0, '127.0.0.1', resolve));
  routerUrl = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
});

afterAll(async () => {
  router?.closeAllConnections();
  await new Promise((resolve) => router?.close(resolve));
  await local?.stop();
  await secrets.stop();
  await upstream.stop();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** `origin` null sends no origin header. */
async function chat(model: string, origin: string | null = oldOrigin, url = routerUrl): Promise<Answer> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${testKey}`,
      'content-type': 'application/json',
      ...(origin === null ? {} : { 'x-origin-verify': origin }),
    },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 20 }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const errorOf = (answer: Answer) => (JSON.parse(answer.text) as { error: { code: string; message: string } }).error;

describe('the deployed router with broken entries in its provider secret', () => {
  it('starts, logs each misconfigured provider and the unknown ids once as JSON lines, and serves the healthy provider', async () => {
    const answer = await chat('openai/gpt-4o-mini');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Hello from upstream!');
    const logged = errorLines
      .filter((line) => line.includes(providerArn))
      .map((line) => JSON.parse(line) as { msg: string; provider?: string; providers?: string[]; secret: string; reason: string });
    expect(logged.every((entry) => entry.secret === providerArn)).toBe(true);
    const misconfigured = logged.filter((entry) => entry.msg === 'provider misconfigured');
    expect(misconfigured.map((entry) => entry.provider).sort()).toEqual(['anthropic', 'google']);
    expect(misconfigured.find((entry) => entry.provider === 'anthropic')?.reason).toContain('has invalid fields: api_version (unknown)');
    expect(misconfigured.find((entry) => entry.provider === 'google')?.reason).toContain('is not an object');
    expect(logged.filter((entry) => entry.msg === 'provider secret names unknown providers').map((entry) => entry.providers)).toEqual([['open-ai']]);
    expect(errorLines.join('\n')).not.toContain(canary);
  });

  it('answers a call to the misconfigured provider with 503 provider_misconfigured naming it and the secret', async () => {
    const answer = await chat('anthropic/claude-haiku-4-5');
    expect(answer.status).toBe(503);
    const error = errorOf(answer);
    expect(error.code).toBe('provider_misconfigured');
    expect(error.message).toMatch(
      /^Provider "anthropic" is misconfigured: its entry "anthropic" in the provider secret switchboard-providers-AbCdEf is missing or has invalid fields: api_version \(unknown\); fix the secret/,
    );
    expect(answer.text).not.toContain(canary);
    expect(answer.headers.get('x-switchboard-attempts')).toBe('1');
  });

  it('moves a fallback policy straight on from the misconfigured provider to the next model', async () => {
    const manage = manageClient(local.url);
    const name = `broken-first-${randomUUID().slice(0, 8)}`;
    const created = await manage('POST', '/policy', {
      name,
      type: 'fallback',
      models: [{ model: 'anthropic/claude-haiku-4-5', retries: 2 }, { model: 'mock/echo' }],
    });
    expect(created.status).toBeLessThan(300);
    const answer = await chat(`policy/${name}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-switchboard-model')).toBe('mock/echo');
    expect(answer.headers.get('x-switchboard-attempts')).toBe('2');
  });
});

describe('the deployed router’s origin check', () => {
  it('refuses calls without the origin header or with a wrong one', async () => {
    expect((await chat('mock/echo', null)).status).toBe(403);
    expect(errorOf(await chat('mock/echo', 'not-the-secret')).message).toBe('Call the gateway through its CloudFront endpoint.');
  });

  it('accepts the new value of a rotation on a warm instance, keeps the previous one, and does not read per forged request', async () => {
    expect((await chat('mock/echo', oldOrigin)).status).toBe(200);
    secrets.set(originArn, JSON.stringify({ current: newOrigin, previous: oldOrigin }));
    // Within the re-read interval of an earlier read the new value is refused; it gets in once it passes.
    await vi.waitFor(async () => expect((await chat('mock/echo', newOrigin)).status).toBe(200), { timeout: 30_000, interval: 250 });
    expect((await chat('mock/echo', oldOrigin)).status).toBe(200);

    const readsBefore = secrets.reads(originArn);
    const startedAt = Date.now();
    const forged = await Promise.all(Array.from({ length: 200 }, (_, i) => chat('mock/echo', `forged-${i}`)));
    expect(forged.every((answer) => answer.status === 403)).toBe(true);
    const intervals = Math.ceil((Date.now() - startedAt) / 5_000);
    expect(secrets.reads(originArn) - readsBefore).toBeLessThanOrEqual(intervals + 1);
  }, 60_000);
});

describe('the deployed router whose provider secret cannot be read', () => {
  it('logs that once, answers every provider configured by the secret with 503 naming the secret, and still serves the mock', async () => {
    // A fresh instance of the entry, as a new cold start with another secret ARN.
    vi.resetModules();
    vi.stubEnv('PROVIDER_SECRET_ARN', secretArn('deleted-providers'));
    const fresh = (await import('../../lambdas/handlers/router.js')).handler;
    const server = functionUrlServer(() => ({ invokeMode: 'RESPONSE_STREAM', handler: fresh as unknown as StreamingHandler }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    errorLines = [];
    try {
      expect((await chat('mock/echo', oldOrigin, url)).status).toBe(200);
      for (const model of ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5']) {
        const answer = await chat(model, oldOrigin, url);
        expect(answer.status).toBe(503);
        expect(errorOf(answer)).toMatchObject({
          code: 'provider_misconfigured',
          message: expect.stringContaining('the provider secret switchboard-deleted-providers-AbCdEf could not be read (ResourceNotFoundException)'),
        });
      }
      const logged = errorLines.filter((line) => line.includes('deleted-providers')).map((line) => JSON.parse(line) as { msg: string });
      expect(logged.map((entry) => entry.msg)).toEqual(['provider secret unusable']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
