import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { markerKey } from '../../lambdas/adapters/dynamodb/usage-items.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

/**
 * The router composed as deployed for usage (written after the response, SWITCHBOARD_USAGE_FOLD
 * as the stack sets it), on DynamoDB Local, with the usage fold's own entry given the stream
 * records of the items the router wrote (read back): a key without a limit is counted by the
 * fold, once; a key under a limit settles at once, as before.
 */
const upstream = new MockOpenAIUpstream();
const tables = { USAGE_TABLE: `usage-${randomUUID()}`, DIRECTORY_TABLE: `directory-${randomUUID()}` };
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), SWITCHBOARD_USAGE_WRITES: 'after-response', SWITCHBOARD_USAGE_FOLD: 'true', ...tables });
  manage = manageClient(gateway.url);
  dynamodb = new DynamoDBClient({ endpoint: gateway.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  vi.stubEnv('USAGE_TABLE', tables.USAGE_TABLE);
  vi.stubEnv('DIRECTORY_TABLE', tables.DIRECTORY_TABLE);
  vi.stubEnv('DYNAMODB_ENDPOINT', gateway.dynamoDbEndpoint);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  dynamodb?.destroy();
  await gateway?.stop();
  await upstream.stop();
});

const ask = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 20 };

async function recordedItem(requestId: string) {
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: tables.USAGE_TABLE, Key: markerKey(requestId), ConsistentRead: true }));
  return Item;
}

async function fold(items: NonNullable<Awaited<ReturnType<typeof recordedItem>>>[]) {
  const { handler } = await import('../../lambdas/handlers/usage-fold.js');
  const event = { Records: items.map((item, index) => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: String(index + 1), NewImage: item } })) } as unknown as DynamoDBStreamEvent;
  return handler(event, {} as Context);
}

const spendOf = async (id: string) => Number((await manage('GET', `/apikey/${id}`)).json.spend);

describe('usage of keys without a limit, through the usage fold', () => {
  it('is recorded by the router, counted by the fold once, and shows in the usage report', async () => {
    const key = await manage('POST', '/apikey', { name: 'open' });
    const id = String(key.json.id);
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(key.json.key), maxRetries: 0 });
    const ids: string[] = [];
    let cost = 0;
    for (const stream of [false, true]) {
      if (stream) {
        const { data, response } = await client.chat.completions.create({ ...ask, stream: true }).withResponse();
        for await (const chunk of data) void chunk;
        ids.push(String(response.headers.get('x-request-id')));
      } else {
        const { response } = await client.chat.completions.create(ask).withResponse();
        ids.push(String(response.headers.get('x-request-id')));
        cost += Number(response.headers.get('x-switchboard-cost'));
        expect(response.headers.get('x-switchboard-budget-remaining')).toBe('unlimited');
      }
    }
    const items = await vi.waitFor(async () => {
      const found = await Promise.all(ids.map(recordedItem));
      expect(found.every((item) => item?.usage?.S !== undefined)).toBe(true);
      return found.flatMap((item) => (item ? [item] : []));
    }, { timeout: 5_000 });
    expect(await spendOf(id)).toBe(0);

    expect(await fold(items)).toEqual({ batchItemFailures: [] });
    const spent = await spendOf(id);
    expect(spent).toBeGreaterThan(cost);
    // Lambda delivers the batch again: nothing more is counted.
    expect(await fold(items)).toEqual({ batchItemFailures: [] });
    expect(await spendOf(id)).toBe(spent);
    const now = new Date();
    const report = await manage('POST', `/apikey/${id}/usage`, { start: new Date(now.getTime() - 3_600_000).toISOString(), end: now.toISOString() });
    expect(JSON.stringify(report.json)).toContain('"requests":2');
  });

  it('leaves a key under a limit settled at once, by transaction, with no item for the fold', async () => {
    const key = await manage('POST', '/apikey', { name: 'capped', monthly_limit: 1 });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(key.json.key), maxRetries: 0 });
    const { response } = await client.chat.completions.create(ask).withResponse();
    const cost = Number(response.headers.get('x-switchboard-cost'));
    await vi.waitFor(async () => expect(await spendOf(String(key.json.id))).toBeCloseTo(cost, 9), { timeout: 5_000 });
    expect(await recordedItem(String(response.headers.get('x-request-id')))).toBeUndefined();
  });
});
