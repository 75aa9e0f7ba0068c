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
const providerArns = { openai: secretArn('openai'), anthropic: secretArn('anthropic'), google: secretArn('google') };
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
  secrets.set(providerArns.openai, JSON.stringify({ apiKey: canary, baseUrl: await upstream.start() }));
  secrets.set(providerArns.anthropic, `{"apiKey": "${canary}"`);
  // providerArns.google is never set: reading it fails as for a deleted secret.
  local = await startTestGateway(tables);

  for (const [name, value] of Object.entries({
    ...tables,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
    DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'),
    ORIGIN_VERIFY_SECRET_ARN: originArn,
    PROVIDER_SECRET_ARNS: JSON.stringify(providerArns),
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
async function chat(model: string, origin: string | null = oldOrigin): Promise<Answer> {
  const response = await fetch(`${routerUrl}/v1/chat/completions`, {
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

describe('the deployed router with one broken provider secret', () => {
  it('starts, logs each misconfigured provider once as a JSON line, and serves the healthy provider', async () => {
    const answer = await chat('openai/gpt-4o-mini');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Hello from upstream!');
    const logged = errorLines
      .filter((line) => line.includes('provider misconfigured'))
      .map((line) => JSON.parse(line) as { provider: string; secret: string; reason: string });
    expect(logged.map((entry) => entry.provider).sort()).toEqual(['anthropic', 'google']);
    expect(logged.find((entry) => entry.provider === 'anthropic')).toMatchObject({
      secret: providerArns.anthropic,
      reason: expect.stringContaining('does not hold JSON'),
    });
    expect(logged.find((entry) => entry.provider === 'google')?.reason).toContain('could not be read (ResourceNotFoundException)');
    expect(errorLines.join('\n')).not.toContain(canary);
  });

  it('answers a call to the misconfigured provider with 503 provider_misconfigured naming it and its secret', async () => {
    const answer = await chat('anthropic/claude-haiku-4-5');
    expect(answer.status).toBe(503);
    const error = errorOf(answer);
    expect(error.code).toBe('provider_misconfigured');
    expect(error.message).toMatch(/^Provider "anthropic" is misconfigured: its secret switchboard-anthropic-AbCdEf does not hold JSON; fix the secret/);
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
