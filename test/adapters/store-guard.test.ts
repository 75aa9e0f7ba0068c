import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  RequestLimitExceeded,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newApiKeyRecord } from '../../lambdas/core/auth/api-key.js';
import { StoreUnavailableError } from '../../lambdas/core/errors.js';
import { DynamoDbKeyStore } from '../../lambdas/adapters/dynamodb/dynamodb-key-store.js';
import { DynamoDbUsageStore } from '../../lambdas/adapters/dynamodb/dynamodb-usage-store.js';
import { isStoreOutage } from '../../lambdas/adapters/dynamodb/store-errors.js';
import { dynamoDbClient, parseGatewayEnv } from '../../lambdas/handlers/gateway-env.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';
import { startStoreProxy, type StoreProxy } from '../support/store-proxy.js';

const suffix = Date.now();
const tables = { keys: `guard-keys-${suffix}`, policies: `guard-policies-${suffix}`, usage: `guard-usage-${suffix}`, directory: `guard-directory-${suffix}` };
let proxy: StoreProxy;

beforeAll(async () => {
  proxy = await startStoreProxy(inject('dynamoDbEndpoint'));
  await ensureTables(testDynamoDbClient(), tables);
});
afterAll(() => proxy.close());

/**
 * The gateway's own client configuration, through the proxy, with a clock the test moves: limits
 * roomy enough for DynamoDB Local on a busy machine (the deadline decides when a hung call
 * ends), a cooldown of one second.
 */
function guarded(env: NodeJS.ProcessEnv = {}) {
  const clock = { time: 1_000_000, now: () => clock.time };
  const lines: string[] = [];
  const client = dynamoDbClient(
    parseGatewayEnv({
      DYNAMODB_ENDPOINT: proxy.url,
      SWITCHBOARD_STORE_TIMEOUT_MS: '10000',
      SWITCHBOARD_STORE_ATTEMPTS: '2',
      SWITCHBOARD_STORE_DEADLINE_MS: '8000',
      SWITCHBOARD_STORE_COOLDOWN_MS: '1000',
      ...env,
    }),
    { clock, log: (line) => lines.push(line) },
  );
  return { client, clock, lines, keys: new DynamoDbKeyStore(client, tables.keys) };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'succeeded',
    (error: unknown) => error,
  );
}

function expectUnavailable(error: unknown): void {
  expect(error).toBeInstanceOf(StoreUnavailableError);
  const unavailable = error as StoreUnavailableError;
  expect([unavailable.status, unavailable.code, unavailable.headers['retry-after']]).toEqual([503, 'store_unavailable', '1']);
}

describe('the store guard on the DynamoDB client', () => {
  it('passes a healthy store’s answers through, failed conditions included', async () => {
    const { client, keys } = guarded();
    const record = newApiKeyRecord(`sb-guard-${suffix}`, 'guard', 0);
    expect(await keys.putIfAbsent(record)).toBe(true);
    expect(await keys.putIfAbsent(record)).toBe(false);
    expect(await keys.findByHash(record.keyHash)).toEqual(record);
    const conditional = new PutItemCommand({
      TableName: tables.keys,
      Item: { key_hash: { S: record.keyHash } },
      ConditionExpression: 'attribute_not_exists(key_hash)',
    });
    expect(await failureOf(client.send(conditional))).toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('turns a store that never answers into 503 store_unavailable, then fails at once without reaching it until a probe after the cooldown finds it back', async () => {
    const { clock, lines, keys } = guarded();
    proxy.setMode('hang');
    try {
      expectUnavailable(await failureOf(keys.findByHash('anything')));
      expect(lines.join('\n')).toContain('The store is unavailable');
      const tried = proxy.connections;
      for (let i = 0; i < 5; i++) expectUnavailable(await failureOf(keys.findByHash('anything')));
      expect(proxy.connections).toBe(tried);
      proxy.setMode('pass');
      // Back, but not yet probed: still failing at once.
      expectUnavailable(await failureOf(keys.findByHash('anything')));
      expect(proxy.connections).toBe(tried);
      clock.time += 1_000;
      expect(await keys.findByHash('anything')).toBeUndefined();
      expect(lines.at(-1)).toContain('The store answers again');
    } finally {
      proxy.setMode('pass');
    }
  }, 60_000);

  it('turns a store that is gone (connections reset) into 503 store_unavailable, and recovers the same way', async () => {
    const { clock, keys } = guarded();
    proxy.setMode('reset');
    try {
      expectUnavailable(await failureOf(keys.findByHash('anything')));
      proxy.setMode('pass');
      clock.time += 1_000;
      expect(await keys.findByHash('anything')).toBeUndefined();
    } finally {
      proxy.setMode('pass');
    }
  }, 60_000);

  it('gives a call up at its deadline even when the SDK would wait longer', async () => {
    const { keys } = guarded({ SWITCHBOARD_STORE_TIMEOUT_MS: '600000', SWITCHBOARD_STORE_ATTEMPTS: '1' });
    proxy.setMode('hang');
    try {
      expectUnavailable(await failureOf(keys.findByHash('anything')));
    } finally {
      proxy.setMode('pass');
    }
  }, 60_000);

  it('fails a reservation on an unreachable store with 503, never with a 500 or a hang', async () => {
    const { client } = guarded();
    const usage = new DynamoDbUsageStore(client, tables.usage);
    proxy.setMode('hang');
    try {
      const reservation = usage.reserve('req-1', 10, [{ owner: 'key#k1', period: '2026-11', limit: 1_000 }], Date.now() + 60_000);
      expectUnavailable(await failureOf(reservation));
    } finally {
      proxy.setMode('pass');
    }
  }, 60_000);
});

describe('isStoreOutage', () => {
  const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

  it('reads timeouts and connection failures as an outage', () => {
    expect(isStoreOutage(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
    expect(isStoreOutage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStoreOutage(new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }))).toBe(true);
  });

  it('reads throttling and server errors as an outage', () => {
    expect(isStoreOutage(new ProvisionedThroughputExceededException({ message: 'slow down', ...metadata(400) }))).toBe(true);
    expect(isStoreOutage(new RequestLimitExceeded({ message: 'slow down', ...metadata(400) }))).toBe(true);
    expect(isStoreOutage(new InternalServerError({ message: 'oops', ...metadata(500) }))).toBe(true);
    expect(isStoreOutage(Object.assign(new Error('Service Unavailable'), metadata(503)))).toBe(true);
  });

  it('leaves every other answer to the caller', () => {
    expect(isStoreOutage(new ConditionalCheckFailedException({ message: 'no', ...metadata(400) }))).toBe(false);
    expect(isStoreOutage(Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException', ...metadata(400) }))).toBe(false);
    expect(isStoreOutage(undefined)).toBe(false);
  });
});
