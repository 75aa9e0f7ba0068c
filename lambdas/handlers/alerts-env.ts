import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { InProcessAlertPublisher } from '../adapters/alerts/in-process-alert-publisher.js';
import { JsonlAlertDeadLetters } from '../adapters/dead-letters/jsonl-alert-dead-letters.js';
import { SqsAlertDeadLetters } from '../adapters/dead-letters/sqs-alert-dead-letters.js';
import { DynamoDbAlertRuleStore, DynamoDbWebhookStore } from '../adapters/dynamodb/dynamodb-alert-config.js';
import { DynamoDbAlertMarkers } from '../adapters/dynamodb/dynamodb-alert-markers.js';
import type { DynamoDbDirectoryStore } from '../adapters/dynamodb/dynamodb-directory-store.js';
import { EventBridgeAlertPublisher, eventBridgePutEvents } from '../adapters/eventbridge/eventbridge-alert-publisher.js';
import { AesGcmSecretBox } from '../adapters/secrets/aes-gcm-secret-box.js';
import { localKeyFile } from '../adapters/secrets/local-key-file.js';
import { readJsonSecret, secretsManagerReader } from '../adapters/secrets/secrets-manager-json.js';
import { sqsSdkCall } from '../adapters/sqs/sqs-sdk-call.js';
import { checkWebhookHost, guardedWebhookTransport } from '../adapters/webhooks/guarded-webhook-transport.js';
import type { AlertRule } from '../core/alerts/alert-rules.js';
import { defaultRetryPolicy } from '../core/alerts/deliver-with-retries.js';
import type { WebhookUrlPolicy } from '../core/alerts/webhook-url.js';
import { TtlCache } from '../core/ttl-cache.js';
import type { AlertManagement } from '../gateway/alerts/alert-management.js';
import { SpendAlertWatch, type AlertWatch } from '../gateway/alerts/alert-watch.js';
import { WebhookDeliverer } from '../gateway/alerts/webhook-deliverer.js';
import type { AlertDeadLetters } from '../ports/alert-dead-letters.js';
import type { AlertPublisher } from '../ports/alert-publisher.js';
import { systemClock } from '../ports/clock.js';
import type { UsageStore } from '../ports/usage-store.js';
import type { WebhookStore } from '../ports/webhook-store.js';
import type { GatewayEnv } from './gateway-env.js';

const log = (line: string) => console.error(line);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The alert pipeline of one process: where events go, and the delivery code with what it needs. */
export interface AlertPipeline {
  publisher: AlertPublisher;
  deliverer: WebhookDeliverer;
  deadLetters: AlertDeadLetters;
  webhooks: WebhookStore;
  policy: WebhookUrlPolicy;
  secrets: AesGcmSecretBox;
}

/**
 * Deployed (ALERT_EVENT_BUS_NAME set): events go to the EventBridge bus, and failed deliveries
 * to the queue in ALERT_DEAD_LETTER_QUEUE_URL. Locally: events go straight to the deliverer in
 * this process, failed deliveries to `<data folder>/dead-letters/alerts.jsonl`. AWS clients are
 * made on first use, so a function that never delivers never builds them.
 */
export function alertPipeline(env: GatewayEnv, dynamodb: DynamoDBClient): AlertPipeline {
  const aws = { region: env.AWS_REGION, credentials: dynamodb.config.credentials };
  const webhooks = new DynamoDbWebhookStore(dynamodb, env.DIRECTORY_TABLE);
  const secrets = new AesGcmSecretBox(webhookKeyMaterial(env, () => new SecretsManagerClient(aws)));
  const policy = { allowLoopback: env.SWITCHBOARD_WEBHOOKS_ALLOW_LOOPBACK };
  const deadLetters = alertDeadLetters(env, () => new SQSClient(aws));
  const deliverer = new WebhookDeliverer({
    webhooks,
    secrets,
    transport: guardedWebhookTransport(policy),
    deadLetters,
    retry: { ...defaultRetryPolicy, baseDelayMs: env.SWITCHBOARD_WEBHOOK_RETRY_BASE_MS },
    timeoutMs: env.SWITCHBOARD_WEBHOOK_TIMEOUT_MS,
    clock: systemClock,
    sleep,
    region: env.AWS_REGION,
    log,
  });
  const bus = env.ALERT_EVENT_BUS_NAME;
  const publisher = bus
    ? new EventBridgeAlertPublisher(
        lazily(() => eventBridgePutEvents(new EventBridgeClient(aws))),
        bus,
        { attempts: 4, baseDelayMs: 200, sleep, log },
      )
    : new InProcessAlertPublisher((event) => deliverer.deliver(event), log);
  return { publisher, deliverer, deadLetters, webhooks, policy, secrets };
}

/** The router's alert watch, on the pipeline's publisher. */
export function alertWatch(env: GatewayEnv, dynamodb: DynamoDBClient, pipeline: AlertPipeline, usage: UsageStore, directory: DynamoDbDirectoryStore): AlertWatch {
  const rules = new DynamoDbAlertRuleStore(dynamodb, env.DIRECTORY_TABLE);
  // Alerts change rarely: read like the organisation's settings, at most every few seconds.
  const cache = new TtlCache<AlertRule[]>(env.SWITCHBOARD_POLICY_CACHE_TTL_MS, 1, env.SWITCHBOARD_STORE_STALE_MS);
  return new SpendAlertWatch({
    rules: () => cache.through('alerts', systemClock, () => rules.list()),
    usage,
    markers: new DynamoDbAlertMarkers(dynamodb, env.USAGE_TABLE),
    groupAdmins: async (groupId) => (await directory.members(groupId)).filter((member) => member.role === 'admin').map((member) => member.userId),
    publisher: pipeline.publisher,
    clock: systemClock,
    region: env.AWS_REGION,
    timing: env.SWITCHBOARD_USAGE_WRITES === 'after-response' ? 'after-response' : 'background',
    log,
  });
}

export function alertManagement(env: GatewayEnv, dynamodb: DynamoDBClient, pipeline: AlertPipeline): AlertManagement {
  return {
    webhooks: pipeline.webhooks,
    rules: new DynamoDbAlertRuleStore(dynamodb, env.DIRECTORY_TABLE),
    markers: new DynamoDbAlertMarkers(dynamodb, env.USAGE_TABLE),
    secrets: pipeline.secrets,
    checkUrl: (url) => checkWebhookHost(url, pipeline.policy),
    deliverer: pipeline.deliverer,
    deadLetters: pipeline.deadLetters,
    publisher: pipeline.publisher,
  };
}

/**
 * The key webhook secrets are sealed with: deployed, the JSON secret in WEBHOOK_KEY_SECRET_ARN
 * (`{"key": ...}`); else SWITCHBOARD_WEBHOOK_KEY; else a file made on first use in the data folder.
 */
function webhookKeyMaterial(env: GatewayEnv, secretsManager: () => SecretsManagerClient): () => Promise<string> {
  const arn = env.WEBHOOK_KEY_SECRET_ARN;
  if (arn) return async () => (await readJsonSecret(secretsManagerReader(secretsManager()), arn, z.object({ key: z.string().min(32) }))).key;
  const fixed = env.SWITCHBOARD_WEBHOOK_KEY;
  if (fixed) return async () => fixed;
  if (env.SWITCHBOARD_DATA_DIR) return localKeyFile(join(env.SWITCHBOARD_DATA_DIR, 'webhook-key'));
  return () => Promise.reject(new Error('No webhook key is configured: set WEBHOOK_KEY_SECRET_ARN, SWITCHBOARD_WEBHOOK_KEY or SWITCHBOARD_DATA_DIR.'));
}

function alertDeadLetters(env: GatewayEnv, sqs: () => SQSClient): AlertDeadLetters {
  const queueUrl = env.ALERT_DEAD_LETTER_QUEUE_URL;
  if (queueUrl) return new SqsAlertDeadLetters(lazily(() => sqsSdkCall(sqs())), queueUrl);
  if (env.SWITCHBOARD_DATA_DIR) return new JsonlAlertDeadLetters(join(env.SWITCHBOARD_DATA_DIR, 'dead-letters', 'alerts.jsonl'));
  return {
    description: 'nowhere',
    put: () => Promise.reject(new Error('No alert dead-letter place is configured (ALERT_DEAD_LETTER_QUEUE_URL or SWITCHBOARD_DATA_DIR).')),
    async *waiting() {},
  };
}

/** A function made on its first call, with the arguments of each call passed on. */
function lazily<Args extends unknown[], Result>(make: () => (...args: Args) => Result): (...args: Args) => Result {
  let made: ((...args: Args) => Result) | undefined;
  return (...args) => (made ??= make())(...args);
}
