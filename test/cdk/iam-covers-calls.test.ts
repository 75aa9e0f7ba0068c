import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AthenaAnalyticsEngine } from '../../lambdas/adapters/athena/athena-analytics-engine.js';
import type { AthenaAction, AthenaActions, AthenaSend } from '../../lambdas/adapters/athena/athena-send.js';
import { DynamoDbUsageStore } from '../../lambdas/adapters/dynamodb/dynamodb-usage-store.js';
import { markerKey } from '../../lambdas/adapters/dynamodb/usage-items.js';
import { billingPeriod } from '../../lambdas/core/accounting/periods.js';
import { createAlertDeliveryHandler } from '../../lambdas/handlers/alert-delivery-handler.js';
import { alertPipeline } from '../../lambdas/handlers/alerts-env.js';
import { dynamoDbClient, parseGatewayEnv } from '../../lambdas/handlers/gateway-env.js';
import { requestLogSink } from '../../lambdas/handlers/request-log-env.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MeteredOpenAIUpstream } from '../support/metered-openai-upstream.js';
import { MockEventBridge } from '../support/mock-eventbridge.js';
import { MockFirehose } from '../support/mock-firehose.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { MockSecretsManager } from '../support/mock-secrets-manager.js';
import { MockSqs } from '../support/mock-sqs.js';
import { feedbackRecord, requestLogRecord } from '../support/request-log-records.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { statementsOf, synthesize } from './synth.js';

/**
 * Every DynamoDB call the router and the management API make, recorded while they serve real
 * requests on DynamoDB Local, and every Firehose call the request log makes, recorded while it
 * delivers to a local double, must be allowed by their roles in the synthesized stack: a call
 * the role does not allow would fail only once deployed.
 */
type Call = { table: 'keys' | 'policies' | 'usage' | 'directory'; index?: string; action: string; partition?: string };

const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;
let recording: Call[] | undefined;
/** Named here, for the usage fold composed beside the gateway on the same tables. */
const tableNames = { USAGE_TABLE: `usage-${randomUUID()}`, DIRECTORY_TABLE: `directory-${randomUUID()}` };
let home: ReturnType<typeof synthesize>['home'];
const send = DynamoDBClient.prototype.send;
const firehose = new MockFirehose(['requests-stream', 'feedback-stream']);
/** The stream names the test gives in the variables the stack sets. */
const streamEnv = { REQUEST_LOG_STREAM: 'requests-stream', FEEDBACK_STREAM: 'feedback-stream' };

beforeAll(async () => {
  // Synthesis takes many seconds on a busy machine: here, under the hook's timeout, not a test's.
  home = synthesize().home;
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', ...tableNames });
  manage = manageClient(gateway.url);
  DynamoDBClient.prototype.send = function (this: DynamoDBClient, command: Parameters<DynamoDBClient['send']>[0], ...rest: unknown[]) {
    recording?.push(...callsOf(command.constructor.name.replace(/Command$/, ''), command.input as Record<string, unknown>));
    return (send as (...args: unknown[]) => unknown).call(this, command, ...rest);
  } as DynamoDBClient['send'];
});
afterAll(async () => {
  DynamoDBClient.prototype.send = send;
  vi.unstubAllEnvs();
  await gateway?.stop();
  await upstream.stop();
  await firehose.stop();
});

function tableOf(name: unknown): Call['table'] {
  const kind = String(name).split('-')[0];
  if (kind === 'keys' || kind === 'policies' || kind === 'usage' || kind === 'directory') return kind;
  throw new Error(`unknown table ${String(name)}`);
}

function callsOf(operation: string, input: Record<string, unknown>): Call[] {
  if (operation === 'TransactWriteItems') {
    return (input.TransactItems as Record<string, { TableName: string }>[]).flatMap((item) =>
      Object.entries(item).map(([kind, write]) => ({ table: tableOf(write.TableName), action: kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item` })),
    );
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys(input.RequestItems as object).map((table) => ({ table: tableOf(table), action: operation }));
  }
  const partition = partitionOf(input);
  return [
    { table: tableOf(input.TableName), action: operation, ...(input.IndexName ? { index: String(input.IndexName) } : {}), ...(partition === undefined ? {} : { partition }) },
  ];
}

/** The partition key value a single-item call or a query names (for roles limited by dynamodb:LeadingKeys). */
function partitionOf(input: Record<string, unknown>): string | undefined {
  type Values = Record<string, { S?: string }>;
  const item = (input.Key ?? input.Item) as Values | undefined;
  if (item?.pk?.S !== undefined) return item.pk.S;
  const placeholder = /#pk = (:\w+)/.exec(String(input.KeyConditionExpression ?? ''))?.[1];
  return placeholder ? (input.ExpressionAttributeValues as Values | undefined)?.[placeholder]?.S : undefined;
}

/** Whether a statement's dynamodb:LeadingKeys condition, if it has one, lets the call's partition through. */
function leadingKeysAllow(statement: { Condition?: unknown }, partition: string | undefined): boolean {
  const patterns = (statement.Condition as { 'ForAllValues:StringLike'?: { 'dynamodb:LeadingKeys'?: string[] } } | undefined)?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
  if (!patterns) return true;
  return partition !== undefined && patterns.some((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(partition));
}

function allowedBy(role: string): (call: Call) => boolean {
  const stack = home;
  if (!stack) throw new Error('no home stack');
  const logicalId = { keys: 'GatewayKeysTable', policies: 'GatewayPoliciesTable', usage: 'GatewayUsageTable', directory: 'GatewayDirectoryTable' };
  return (call) =>
    statementsOf(stack, role).some((statement) => {
      const resources = [statement.Resource].flat().map((resource) => JSON.stringify(resource));
      const onIndex = (resource: string) => resource.includes(`/index/${call.index}`);
      return (
        [statement.Action].flat().includes(`dynamodb:${call.action}`) &&
        resources.some((resource) => resource.includes(logicalId[call.table]) && (call.index ? onIndex(resource) : !resource.includes('/index/'))) &&
        leadingKeysAllow(statement, call.partition)
      );
    });
}

async function recorded(work: () => Promise<void>): Promise<Call[]> {
  recording = [];
  try {
    await work();
  } finally {
    // Usage written after a response belongs to it too.
    await gateway.deps.usage.flush();
  }
  const calls = recording;
  recording = undefined;
  return [...new Map(calls.map((call) => [JSON.stringify(call), call])).values()];
}

const hello = [{ role: 'user' as const, content: 'Hi' }];

describe('IAM roles against the calls the code makes', () => {
  it('allows every DynamoDB call the router makes', async () => {
    const group = await manage('POST', '/group', { name: 'iam', monthly_limit: 10 });
    const capped = await manage('POST', '/apikey', { name: 'capped', monthly_limit: 1, group_id: String(group.json.id) });
    const tiny = await manage('POST', '/apikey', { name: 'tiny', monthly_limit: 0.001 });
    await manage('POST', '/org', { monthly_limit: 1000, balance: 1000 });
    await manage('POST', '/policy', { name: 'iam', type: 'fallback', models: [{ model: 'openai/gpt-4o-mini' }, { model: 'mock/echo' }] });
    // A request that died holding all of the tiny key's budget.
    const counter = { owner: `key#${String(tiny.json.id)}`, period: billingPeriod(Date.now()).id, limit: 1_000 };
    await gateway.deps.usage.reserve('dead', 1_000, [counter], Date.now() - 1);
    const client = (key: unknown) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(key), maxRetries: 0 });

    const calls = await recorded(async () => {
      await client(capped.json.key).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello });
      for await (const chunk of await client(capped.json.key).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, stream: true })) void chunk;
      await client(capped.json.key).chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: hello }).catch(() => undefined);
      await client(capped.json.key).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 100_000 }).catch(() => undefined);
      await client(tiny.json.key).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hello, max_tokens: 10 });
      await client(testKey).chat.completions.create({ model: 'policy/iam', messages: hello });
      await client(testKey).embeddings.create({ model: 'mock/embed', input: 'hi' });
      await client(testKey).models.list();
    });
    const allowed = allowedBy('Switchboard router');
    expect(calls.filter((call) => !allowed(call))).toEqual([]);
    // The scenario reached every kind of write and read the usage store has.
    expect(calls.map(({ partition: _, ...call }) => call)).toEqual(
      expect.arrayContaining([
        { table: 'usage', action: 'UpdateItem' },
        { table: 'usage', action: 'GetItem' },
        { table: 'usage', action: 'BatchGetItem' },
        { table: 'directory', action: 'GetItem' },
        { table: 'keys', action: 'GetItem' },
        { table: 'policies', action: 'GetItem' },
      ]),
    );
  });

  it('allows every DynamoDB call of usage recorded for the fold (by the router) and folded (by the usage fold)', async () => {
    expect((await manage('POST', '/alert', { type: 'key.budget.exceeded_absolute', threshold: 0.000001 })).status).toBe(201);
    const dynamodb = new DynamoDBClient({ endpoint: gateway.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const month = billingPeriod(Date.now());
    const record = { requestId: `fold-${randomUUID()}`, keyId: 'iam-fold', at: Date.now(), model: 'mock/echo', cost: 5, inputTokens: 1, outputTokens: 1, totalTokens: 2, extra: {} };
    const subjects = { region: 'us-east-1', period: { id: month.id, end: month.end }, key: { id: 'iam-fold', name: 'fold' }, org: { name: 'iam' } };
    const recorder = new DynamoDbUsageStore(dynamodb, tableNames.USAGE_TABLE, 'sync', { foldUnheld: true });
    const routerCalls = await recorded(() => recorder.settle(record, [{ owner: 'key#iam-fold', period: month.id }, { owner: 'org', period: 'all' }], undefined, subjects));
    expect(routerCalls).toEqual([{ table: 'usage', action: 'PutItem', partition: `req#${record.requestId}` }]);
    expect(routerCalls.filter((call) => !allowedBy('Switchboard router')(call))).toEqual([]);

    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: tableNames.USAGE_TABLE, Key: markerKey(record.requestId), ConsistentRead: true }));
    vi.stubEnv('USAGE_TABLE', tableNames.USAGE_TABLE);
    vi.stubEnv('DIRECTORY_TABLE', tableNames.DIRECTORY_TABLE);
    vi.stubEnv('DYNAMODB_ENDPOINT', gateway.dynamoDbEndpoint);
    // As deployed: announcements go to the bus (here a local double), never straight to webhooks.
    const bus = new MockEventBridge();
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', await bus.start());
    vi.stubEnv('ALERT_EVENT_BUS_NAME', 'switchboard-alerts');
    const { handler } = await import('../../lambdas/handlers/usage-fold.js');
    const event = { Records: [{ eventName: 'INSERT' as const, dynamodb: { SequenceNumber: '1', NewImage: Item as Record<string, never> } }] };
    const foldCalls = await recorded(async () => {
      expect(await handler(event, {} as Context)).toEqual({ batchItemFailures: [] });
    });
    await bus.stop();
    expect(bus.accepted).toHaveLength(1);
    expect(foldCalls.filter((call) => !allowedBy('Switchboard usage fold')(call))).toEqual([]);
    // The scenario reached the fold's transaction and its alerts' reads and marker.
    expect(foldCalls.map(({ partition: _, ...call }) => call)).toEqual(
      expect.arrayContaining([
        { table: 'usage', action: 'UpdateItem' },
        { table: 'usage', action: 'BatchGetItem' },
        { table: 'directory', action: 'Query' },
      ]),
    );
    expect(await new DynamoDbUsageStore(dynamodb, tableNames.USAGE_TABLE).totals([{ owner: 'key#iam-fold', period: month.id }])).toEqual([{ spent: 5, committed: 5 }]);
    dynamodb.destroy();
    vi.unstubAllEnvs();
  });

  it('allows every DynamoDB call the management API makes', async () => {
    const calls = await recorded(async () => {
      const key = await manage('POST', '/apikey', { name: 'm', labels: { a: 'b' } });
      const id = String(key.json.id);
      const group = String((await manage('POST', '/group', { name: 'm' })).json.id);
      for (const [method, path, body] of [
        ['GET', '/apikey'],
        ['GET', `/apikey/${id}`],
        ['POST', `/apikey/${id}/usage`, { start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date().toISOString() }],
        ['POST', `/apikey/${id}/limit`, { monthly_limit: 5 }],
        ['POST', `/apikey/${id}/labels`, { labels: {} }],
        ['POST', `/apikey/${id}/expiry`, { expires_at: null }],
        ['POST', `/apikey/${id}/group`, { group_id: group }],
        ['POST', `/apikey/${id}/disable`],
        ['GET', '/group'],
        ['POST', `/group/${group}/member`, { user_id: 'ann' }],
        ['POST', `/group/${group}/member/ann`, { role: 'admin' }],
        ['GET', `/group/${group}`],
        ['POST', `/group/${group}/limit`, { monthly_limit: 3 }],
        ['POST', `/group/${group}/models`, { models: ['mock/*'] }],
        ['DELETE', `/group/${group}/member/ann`],
        ['POST', `/apikey/${id}/group`, { group_id: null }],
        ['DELETE', `/group/${group}`],
        ['DELETE', `/apikey/${id}`],
        ['GET', '/org'],
        ['POST', '/org', { name: 'iam', balance: 5 }],
        ['POST', '/org/approved-models', { models: null }],
        ['POST', '/policy', { name: 'm', type: 'fallback', models: [{ model: 'mock/echo' }] }],
        ['GET', '/policy'],
        ['GET', '/policy/m'],
        ['DELETE', '/policy/m'],
      ] as const) {
        const { status } = await manage(method, path, body);
        expect(status, `${method} ${path}`).toBeLessThan(300);
      }
    });
    const allowed = allowedBy('Switchboard management');
    expect(calls.filter((call) => !allowed(call))).toEqual([]);
  });

  it('allows every Firehose call the request log makes, on the streams the stack names to the router', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_FIREHOSE', await firehose.start());
    const calls: Array<{ action: string; variable: string }> = [];
    const firehoseSend = FirehoseClient.prototype.send;
    FirehoseClient.prototype.send = function (this: FirehoseClient, command: Parameters<FirehoseClient['send']>[0], ...rest: unknown[]) {
      const stream = (command.input as { DeliveryStreamName?: string }).DeliveryStreamName;
      const variable = Object.entries(streamEnv).find(([, name]) => name === stream)?.[0] ?? `no variable names ${String(stream)}`;
      calls.push({ action: command.constructor.name.replace(/Command$/, ''), variable });
      return (firehoseSend as (...args: unknown[]) => unknown).call(this, command, ...rest);
    } as FirehoseClient['send'];
    try {
      // The sink the router composes from its environment, delivering through the real adapter.
      const dynamodb = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      const sink = requestLogSink({ ...streamEnv, AWS_REGION: 'us-east-1' }, dynamodb);
      sink.write(requestLogRecord());
      sink.writeFeedback(feedbackRecord());
      await sink.flush();
      dynamodb.destroy();
    } finally {
      FirehoseClient.prototype.send = firehoseSend;
    }
    expect(firehose.delivered.get('requests-stream')).toHaveLength(1);
    expect(firehose.delivered.get('feedback-stream')).toHaveLength(1);
    const stack = home;
    if (!stack) throw new Error('no home stack');
    const router = Object.values(stack.findResources('AWS::Lambda::Function')).find((fn) =>
      String((fn as { Properties: { Description?: string } }).Properties.Description).startsWith('Switchboard router'),
    ) as { Properties: { Environment: { Variables: Record<string, { Ref?: string }> } } };
    const allowed = ({ action, variable }: { action: string; variable: string }) => {
      const stream = router.Properties.Environment.Variables[variable]?.Ref;
      return statementsOf(stack, 'Switchboard router').some(
        (statement) =>
          [statement.Action].flat().includes(`firehose:${action}`) &&
          [statement.Resource].flat().some((resource) => JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [stream, 'Arn'] })),
      );
    };
    expect(calls).toEqual(
      expect.arrayContaining([
        { action: 'PutRecordBatch', variable: 'REQUEST_LOG_STREAM' },
        { action: 'PutRecordBatch', variable: 'FEEDBACK_STREAM' },
      ]),
    );
    expect(calls.filter((call) => !allowed(call))).toEqual([]);
  });

  it('allows every Athena call the management API makes, on its workgroup, with the reads Athena makes for it', async () => {
    const actions = new Set<AthenaAction>();
    // Athena's answers for a query that succeeds over two result pages, and for one that never ends.
    const athena = (finishes: boolean): AthenaSend =>
      (async <Action extends AthenaAction>(action: Action, input: AthenaActions[Action]['input']) => {
        actions.add(action);
        const page = (input as { NextToken?: string }).NextToken ? {} : { NextToken: 'next' };
        const answers: Record<AthenaAction, object> = {
          StartQueryExecution: { QueryExecutionId: 'q' },
          GetQueryExecution: { QueryExecution: { Status: { State: finishes ? 'SUCCEEDED' : 'RUNNING' }, Statistics: { DataScannedInBytes: 1 } } },
          GetQueryResults: { ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } }, ...page },
          StopQueryExecution: {},
        };
        return answers[action] as AthenaActions[Action]['output'];
      }) as AthenaSend;
    let now = 0;
    const options = { workGroup: 'w', database: 'd', deadlineMs: 1_000, clock: { now: () => now }, sleep: async (ms: number) => void (now += ms) };
    await new AthenaAnalyticsEngine(athena(true), options).query('SELECT 1');
    await new AthenaAnalyticsEngine(athena(false), options).query('SELECT 1').catch(() => undefined);
    expect([...actions].sort()).toEqual(['GetQueryExecution', 'GetQueryResults', 'StartQueryExecution', 'StopQueryExecution']);

    const stack = home;
    if (!stack) throw new Error('no home stack');
    const statements = statementsOf(stack, 'Switchboard management');
    const allows = (action: string, resource: RegExp) =>
      statements.some((statement) => [statement.Action].flat().includes(action) && [statement.Resource].flat().some((entry) => resource.test(JSON.stringify(entry))));
    for (const action of actions) expect(allows(`athena:${action}`, /:workgroup\/switchboard-us-east-1/), action).toBe(true);
    // Athena reads the tables' definitions and the logs, and writes its results, as the caller.
    for (const table of ['requests', 'feedback']) expect(allows('glue:GetTable', new RegExp(`:table/switchboard_us_east_1/${table}`))).toBe(true);
    expect(allows('glue:GetDatabase', /:database\/switchboard_us_east_1/)).toBe(true);
    for (const prefix of ['requests', 'feedback']) expect(allows('s3:GetObject', new RegExp(`RequestLogsBucket.*/${prefix}/\\*`))).toBe(true);
    expect(allows('s3:PutObject', /RequestLogsQueryResults.*\/results\/\*/)).toBe(true);
  });
});

/** A call to EventBridge, SQS or Secrets Manager, by the logical id of the resource it names. */
type ServiceCall = { action: string; resource: string };

describe('IAM roles against the alert pipeline as deployed', () => {
  const eventBridge = new MockEventBridge();
  const sqs = new MockSqs('alert-dead-letters');
  const secrets = new MockSecretsManager();
  const receiver = new WebhookReceiver();
  const metered = new MeteredOpenAIUpstream(1_000);
  const webhookKeyArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:switchboard-webhook-key-AbCdEf';
  const sends = [EventBridgeClient, SQSClient, SecretsManagerClient].map((client) => [client, client.prototype.send] as const);
  let serviceCalls: ServiceCall[] | undefined;

  beforeAll(async () => {
    const [bridgeUrl, , secretsUrl] = await Promise.all([eventBridge.start(), sqs.start(), secrets.start()]);
    secrets.set(webhookKeyArn, JSON.stringify({ key: 'k'.repeat(64) }));
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', bridgeUrl);
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', new URL(sqs.queueUrl).origin);
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secretsUrl);
    for (const [client, original] of sends) {
      client.prototype.send = function (this: unknown, command: { input: Record<string, unknown>; constructor: { name: string } }, ...rest: unknown[]) {
        serviceCalls?.push(...serviceCallsOf(command.constructor.name.replace(/Command$/, ''), command.input));
        return (original as (...args: unknown[]) => unknown).call(this, command, ...rest);
      } as never;
    }
  });
  afterAll(async () => {
    for (const [client, original] of sends) client.prototype.send = original as never;
    vi.unstubAllEnvs();
    await Promise.all([eventBridge.stop(), sqs.stop(), secrets.stop(), receiver.stop(), metered.stop()]);
  });

  function serviceCallsOf(operation: string, input: Record<string, unknown>): ServiceCall[] {
    if (operation === 'PutEvents') {
      return (input.Entries as { EventBusName: string }[]).map((entry) => ({ action: 'events:PutEvents', resource: entry.EventBusName === 'switchboard-alerts' ? 'GatewayAlertsBus' : entry.EventBusName }));
    }
    if (operation === 'GetSecretValue') return [{ action: 'secretsmanager:GetSecretValue', resource: input.SecretId === webhookKeyArn ? 'GatewayAlertsWebhookKey' : String(input.SecretId) }];
    return [{ action: `sqs:${operation}`, resource: input.QueueUrl === sqs.queueUrl ? 'GatewayAlertsDeadLetters' : String(input.QueueUrl) }];
  }

  function serviceAllowedBy(role: string): (call: ServiceCall) => boolean {
    const stack = home;
    if (!stack) throw new Error('no home stack');
    return (call) =>
      statementsOf(stack, role).some(
        (statement) => [statement.Action].flat().includes(call.action) && [statement.Resource].flat().some((resource) => JSON.stringify(resource).includes(call.resource)),
      );
  }

  /** Every AWS call `work` makes: DynamoDB's and the other services', without repeats. */
  async function recordedAll(work: () => Promise<void>): Promise<{ dynamodb: Call[]; services: ServiceCall[] }> {
    serviceCalls = [];
    const dynamodb = await recorded(work);
    const services = [...new Map(serviceCalls.map((call) => [JSON.stringify(call), call])).values()];
    serviceCalls = undefined;
    return { dynamodb, services };
  }

  it('allows every EventBridge, SQS, Secrets Manager and DynamoDB call of the router, the delivery Lambda and the management API', async () => {
    const env = {
      KEYS_TABLE: `keys-${randomUUID()}`,
      POLICIES_TABLE: `policies-${randomUUID()}`,
      USAGE_TABLE: `usage-${randomUUID()}`,
      DIRECTORY_TABLE: `directory-${randomUUID()}`,
      ALERT_EVENT_BUS_NAME: 'switchboard-alerts',
      ALERT_DEAD_LETTER_QUEUE_URL: sqs.queueUrl,
      WEBHOOK_KEY_SECRET_ARN: webhookKeyArn,
      SWITCHBOARD_WEBHOOK_RETRY_BASE_MS: '1',
      SWITCHBOARD_POLICY_CACHE_TTL_MS: '50',
    };
    const deployed = await startTestGateway({ ...env, OPENAI_BASE_URL: await metered.start() });
    const deployedManage = manageClient(deployed.url);
    receiver.answer = () => 503;
    const receiverUrl = await receiver.start();
    try {
      let webhookId = '';
      let key = '';
      const management = await recordedAll(async () => {
        webhookId = String((await deployedManage('POST', '/webhook', { url: `${receiverUrl}/down` })).json.id);
        const group = String((await deployedManage('POST', '/group', { name: 'alerted', monthly_limit: 0.01 })).json.id);
        await deployedManage('POST', `/group/${group}/member`, { user_id: 'ann', role: 'admin' });
        key = String((await deployedManage('POST', '/apikey', { name: 'alerted', group_id: group })).json.key);
        await deployedManage('POST', '/alert', { type: 'group.budget.exceeded_percent', threshold: 1, group_id: group });
        await deployedManage('POST', '/alert', { type: 'user.budget.exceeded_absolute', threshold: 0.000001 });
        await deployedManage('POST', '/alert', { type: 'org.balance.below_absolute', threshold: 5 });
        await deployedManage('POST', '/org', { balance: 5 });
      });

      const router = await recordedAll(async () => {
        await new OpenAI({ baseURL: `${deployed.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({
          model: 'openai/gpt-4o-mini',
          messages: hello,
          requesty: { user_id: 'ann' },
        } as OpenAI.ChatCompletionCreateParamsNonStreaming);
        await deployed.deps.alerts.flush();
      });
      // The group's, the user's and the balance alert.
      expect(eventBridge.accepted).toHaveLength(3);

      // The Lambda receives from the queue what the rule put there: the events, as EventBridge envelopes.
      const records = eventBridge.accepted.map((entry, index) => ({ messageId: `m${index}`, body: JSON.stringify({ source: entry.Source, detail: JSON.parse(entry.Detail) }) }));
      const handler = createAlertDeliveryHandler(async () => {
        const parsed = parseGatewayEnv({ ...env, DYNAMODB_ENDPOINT: deployed.dynamoDbEndpoint, SWITCHBOARD_WEBHOOKS_ALLOW_LOOPBACK: 'true' });
        return alertPipeline(parsed, dynamoDbClient(parsed)).deliverer;
      });
      const delivery = await recordedAll(async () => {
        expect(await handler({ Records: records } as unknown as SQSEvent, {} as Context)).toEqual({ batchItemFailures: [] });
      });
      expect(sqs.messages.length).toBe(records.length);

      const replay = await recordedAll(async () => {
        expect((await deployedManage('POST', `/webhook/${webhookId}/replay`)).json).toMatchObject({ replayed: records.length });
        await deployedManage('POST', `/webhook/${webhookId}/test`);
        await deployedManage('GET', '/webhook');
      });

      for (const [role, calls] of [
        ['Switchboard management', [management, replay]],
        ['Switchboard router', [router]],
        ['Switchboard alert delivery', [delivery]],
      ] as const) {
        const dynamodb = calls.flatMap((entry) => entry.dynamodb);
        const services = calls.flatMap((entry) => entry.services);
        expect(dynamodb.filter((call) => !allowedBy(role)(call)), role).toEqual([]);
        expect(services.filter((call) => !serviceAllowedBy(role)(call)), role).toEqual([]);
      }
      // The scenario reached every call the pipeline makes.
      expect(router.services).toEqual([{ action: 'events:PutEvents', resource: 'GatewayAlertsBus' }]);
      expect(router.dynamodb).toEqual(expect.arrayContaining([{ table: 'directory', action: 'Query', partition: 'alerts' }, expect.objectContaining({ table: 'directory', action: 'Query', partition: expect.stringMatching(/^group#/) })]));
      expect(delivery.services).toEqual(
        expect.arrayContaining([
          { action: 'sqs:SendMessage', resource: 'GatewayAlertsDeadLetters' },
          { action: 'secretsmanager:GetSecretValue', resource: 'GatewayAlertsWebhookKey' },
        ]),
      );
      expect(delivery.dynamodb).toEqual(expect.arrayContaining([expect.objectContaining({ table: 'directory', action: 'PutItem', partition: 'webhook-deliveries' })]));
      expect([...management.services, ...replay.services]).toEqual(
        expect.arrayContaining([
          { action: 'secretsmanager:GetSecretValue', resource: 'GatewayAlertsWebhookKey' },
          { action: 'sqs:ReceiveMessage', resource: 'GatewayAlertsDeadLetters' },
          { action: 'sqs:DeleteMessage', resource: 'GatewayAlertsDeadLetters' },
          { action: 'events:PutEvents', resource: 'GatewayAlertsBus' },
        ]),
      );
      expect(management.dynamodb).toEqual(expect.arrayContaining([expect.objectContaining({ table: 'usage', action: 'UpdateItem', partition: expect.stringMatching(/^alert#/) })]));
    } finally {
      await deployed.stop();
    }
  }, 120_000);
});
