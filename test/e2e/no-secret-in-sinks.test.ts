import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../lambdas/local/dynamodb-local.js';
import { canaryHits, fileSinks, tableSinks, type Canary, type Sink } from '../support/canary-sinks.js';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startSpawnedGateway, type SpawnedGateway } from '../support/spawned-gateway.js';

const random = () => randomBytes(24).toString('base64url');
const canary = (name: string, prefix: string): Canary => {
  const part = random();
  return { name, value: `${prefix}${part}`, random: part };
};

// Provider keys shaped like the real ones, and one (Mistral's) with no recognisable prefix at all.
const providerKeys = {
  openai: canary('OPENAI_API_KEY', 'sk-canary-'),
  anthropic: canary('ANTHROPIC_API_KEY', 'sk-ant-canary-'),
  google: canary('GEMINI_API_KEY', 'AIzaCanary'),
  mistral: canary('MISTRAL_API_KEY', ''),
};
const devKey = canary('the development API key', 'sb-canary-dev-');
const adminKey = canary('the management key', 'sb-canary-admin-');
const wrongKey = canary('a wrong API key', 'sb-canary-wrong-');
const wrongAdminKey = canary('a wrong management key', 'sb-canary-wrong-admin-');

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-canary-'));
const upstreams = { openai: new MockOpenAIUpstream(), anthropic: new MockAnthropicUpstream(), gemini: new MockGeminiUpstream() };
/** A DynamoDB Local of its own, keeping its database in the data folder as `npm start` does: its files are a sink too. */
let dynamodb: DynamoDbLocal;
let gateway: SpawnedGateway;

/** Every answer the scenario got: each is a sink. */
const answers: Array<{ label: string; status: number; headers: string; body: string }> = [];
/** Keys the management API created: each may appear in the one response that created it, and nowhere else. */
const createdKeys: Array<{ canary: Canary; answerIndex: number }> = [];

async function call(label: string, method: string, path: string, options: { key?: string; header?: 'authorization' | 'x-api-key'; body?: unknown } = {}) {
  const { key, header = 'authorization', body } = options;
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : header === 'authorization' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  answers.push({ label: `${label}: ${method} ${path} → ${response.status}`, status: response.status, headers: JSON.stringify([...response.headers]), body: text });
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const chatBody = (model: string, stream: boolean) => ({
  model,
  messages: [{ role: 'user', content: 'Say hello.' }],
  stream,
  ...(stream ? { stream_options: { include_usage: true } } : {}),
});
const messagesBody = (model: string, stream: boolean) => ({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Say hello.' }], stream });

beforeAll(async () => {
  const [openai, anthropic, gemini] = await Promise.all([upstreams.openai.start(), upstreams.anthropic.start(), upstreams.gemini.start()]);
  const dbPath = join(dataDir, 'dynamodb');
  mkdirSync(dbPath);
  dynamodb = await startDynamoDbLocal({ dbPath });
  gateway = await startSpawnedGateway({
    dynamoDbEndpoint: dynamodb.endpoint,
    env: {
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_DEV_KEY: devKey.value,
      SWITCHBOARD_ADMIN_KEY: adminKey.value,
      OPENAI_API_KEY: providerKeys.openai.value,
      OPENAI_BASE_URL: openai,
      ANTHROPIC_API_KEY: providerKeys.anthropic.value,
      ANTHROPIC_BASE_URL: anthropic,
      GEMINI_API_KEY: providerKeys.google.value,
      GEMINI_BASE_URL: gemini,
      MISTRAL_API_KEY: providerKeys.mistral.value,
      MISTRAL_BASE_URL: openai,
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await dynamodb?.stop();
  await Promise.all(Object.values(upstreams).map((upstream) => upstream.stop()));
});

describe('secrets, in a broad scenario against npm start', () => {
  it('names the id of a key it cannot find: public key ids are not secrets, and are not redacted', async () => {
    const id = `key_${randomUUID().replaceAll('-', '')}`;
    const response = await call('unknown key id', 'GET', `/v1/manage/apikey/${id}`, { key: adminKey.value });
    expect(response.status).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'key_not_found', message: `No API key with id "${id}".` } });
  });

  it('reach no sink: not the output, not a response, not a table, not a file (only the response that creates a key shows it)', async () => {
    const admin = adminKey.value;
    // Management: a group, keys (the one time their secret is shown), reading them back, policies.
    const group = (await call('group', 'POST', '/v1/manage/group', { key: admin, body: { name: 'canaries', monthly_limit: 100 } })).json();
    for (const [name, body] of [['capped', { name: 'capped', monthly_limit: 50, group_id: group.id }], ['plain', { name: 'plain', monthly_limit: null }]] as const) {
      const created = await call(`create ${name} key`, 'POST', '/v1/manage/apikey', { key: admin, body });
      const { id, key } = created.json() as { id: string; key: string };
      createdKeys.push({ canary: { name: `the created ${name} key`, value: key, random: key.slice(3) }, answerIndex: answers.length - 1 });
      await call('read key', 'GET', `/v1/manage/apikey/${id}`, { key: admin });
      await call('key usage', 'POST', `/v1/manage/apikey/${id}/usage`, { key: admin, body: { start: new Date(Date.now() - 86_400_000).toISOString(), end: new Date().toISOString() } });
      await call('label key', 'POST', `/v1/manage/apikey/${id}/labels`, { key: admin, body: { labels: { team: 'canary' } } });
      await call('disable key', 'POST', `/v1/manage/apikey/${id}/disable`, { key: admin });
      await call('enable key', 'POST', `/v1/manage/apikey/${id}/enable`, { key: admin });
    }
    await call('list keys', 'GET', '/v1/manage/apikey', { key: admin });
    await call('org', 'GET', '/v1/manage/org', { key: admin });
    const fallback = { name: 'leaky', type: 'fallback', models: [{ model: 'openai/echo-key-error' }, { model: 'anthropic/echo-key-error' }, { model: 'google/echo-key-error' }, { model: 'mistral/echo-key-partial' }, { model: 'mock/echo' }] };
    expect((await call('policy', 'POST', '/v1/manage/policy', { key: admin, body: fallback })).status).toBe(201);

    // Requests with every key: successes, upstream errors quoting the provider key (whole or in
    // part), streams failing midway with the key in their error event, and failover past them.
    const apiKeys = [devKey.value, ...createdKeys.map(({ canary: created }) => created.value)];
    const providers = ['openai', 'anthropic', 'google', 'mistral'];
    const served = ['mock/echo', 'openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash', 'mistral/mistral-small-latest', 'policy/leaky'];
    const echoing = providers.flatMap((provider) => ['echo-key-error', 'echo-key-partial', 'echo-key-midstream'].map((mode) => `${provider}/${mode}`));
    for (const [index, key] of apiKeys.entries()) {
      for (const model of [...served, ...echoing]) {
        for (const stream of [false, true]) {
          await call('chat', 'POST', '/v1/chat/completions', { key, body: chatBody(model, stream), header: index === 1 ? 'x-api-key' : 'authorization' });
          await call('messages', 'POST', '/v1/messages', { key, body: messagesBody(model, stream), header: 'x-api-key' });
        }
      }
      await call('embeddings', 'POST', '/v1/embeddings', { key, body: { model: 'openai/text-embedding-3-small', input: 'hello' } });
      await call('models', 'GET', '/v1/models', { key });
    }
    expect(answers.filter((answer) => answer.label.startsWith('chat') && answer.status === 200).length).toBeGreaterThan(30);
    expect(answers.filter((answer) => answer.body.includes('Incorrect API key provided: [redacted]')).length).toBeGreaterThan(20);
    expect(answers.filter((answer) => answer.status === 200 && /The key \[redacted\](\.\.\.)? was revoked while streaming/.test(answer.body)).length).toBeGreaterThan(10);

    // Wrong keys, keys of the wrong kind, and keys pasted where ids and paths go.
    await call('wrong key', 'POST', '/v1/chat/completions', { key: wrongKey.value, body: chatBody('mock/echo', false) });
    await call('wrong key', 'POST', '/v1/messages', { key: wrongKey.value, header: 'x-api-key', body: messagesBody('mock/echo', true) });
    await call('wrong key', 'GET', '/v1/models', { key: wrongKey.value });
    await call('management key as API key', 'POST', '/v1/chat/completions', { key: admin, body: chatBody('mock/echo', false) });
    await call('API key as management key', 'GET', '/v1/manage/apikey', { key: devKey.value });
    await call('wrong management key', 'GET', '/v1/manage/org', { key: wrongAdminKey.value });
    await call('key as an id', 'GET', `/v1/manage/apikey/${devKey.value}`, { key: admin });
    await call('key in a path', 'GET', `/v1/${devKey.value}`, { key: devKey.value });
    await call('key as a policy name', 'GET', `/v1/manage/policy/${providerKeys.openai.value}`, { key: admin });
    expect(answers.filter((answer) => answer.status === 401 || answer.status === 403).length).toBeGreaterThanOrEqual(6);

    // Ctrl-C writes what waits (usage) and ends the output; then every sink is read: every table
    // of the database, then (once DynamoDB Local has stopped and written all) every file.
    await gateway.stop();
    const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    expect(TableNames.length).toBeGreaterThanOrEqual(4);
    const tableItems = await tableSinks(client, TableNames);
    client.destroy();
    await dynamodb.stop();
    const files = fileSinks(dataDir);
    // The database's own files hold the items (the group's name, say): a key written to a table would show there too.
    expect(files.some((file) => file.name.includes('dynamodb') && file.text.includes('canaries'))).toBe(true);
    const sinks: Sink[] = [
      { name: 'the server output', text: gateway.output() },
      ...answers.flatMap((answer, index) => [
        { name: `headers of ${answer.label}`, text: answer.headers },
        // The response that created a key shows that key, once; anything else in it still counts.
        { name: `body of ${answer.label}`, text: createdKeys.filter((created) => created.answerIndex === index).reduce((body, created) => body.replaceAll(created.canary.value, '<the key it created>'), answer.body) },
      ]),
      ...tableItems,
      ...files,
    ];
    const canaries = [...Object.values(providerKeys), devKey, adminKey, wrongKey, wrongAdminKey, ...createdKeys.map(({ canary: created }) => created)];
    expect(canaryHits(canaries, sinks)).toEqual([]);
    // The scan saw what it should: the keys' records, usage rows, the created keys in their responses.
    expect(tableItems.filter((sink) => sink.name.startsWith('item of usage-')).length).toBeGreaterThan(0);
    expect(createdKeys.every(({ canary: created, answerIndex }) => answers[answerIndex]?.body.includes(created.value))).toBe(true);
  }, 180_000);
});
