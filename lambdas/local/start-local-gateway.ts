import './lambda-streaming-shim.js';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generateApiKey, newApiKeyRecord } from '../core/auth/api-key.js';
import { DynamoDbKeyStore } from '../adapters/dynamodb/dynamodb-key-store.js';
import { DuckDbAnalyticsEngine } from '../adapters/duckdb/duckdb-analytics-engine.js';
import type { GatewayDeps } from '../gateway/gateway-config.js';
import {
  credentialsFromEnv,
  dynamoDbClient,
  gatewayDeps,
  managementDeps,
  parseGatewayEnv,
  routerRuntime,
} from '../handlers/gateway-env.js';
import { alertPipeline } from '../handlers/alerts-env.js';
import { createManagementHandler } from '../handlers/management-handler.js';
import { createRouterHandler } from '../handlers/router-handler.js';
import type { KeyKind } from '../ports/key-store.js';
import { superviseDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { consoleOrigin, isConsolePath } from './console-origin.js';
import { ensureTables } from './ensure-tables.js';
import { functionUrlServer, type BufferedHandler } from './function-url-server.js';
import type { StreamingHandler } from './lambda-streaming-shim.js';

export interface LocalGatewayOptions {
  /** The environment to configure from (PORT, DYNAMODB_ENDPOINT, SWITCHBOARD_* ...). */
  env: NodeJS.ProcessEnv;
  /** Keep DynamoDB Local's data in memory instead of SWITCHBOARD_DATA_DIR. */
  inMemory?: boolean;
}

export interface LocalGateway {
  url: string;
  /** Set when this start created a development API key: the only time it can be shown. */
  createdDevKey: string | undefined;
  /** Set when this start created a management key: the only time it can be shown. */
  createdAdminKey: string | undefined;
  dynamoDbEndpoint: string;
  /** What the router serves with, for tools that measure the gateway without the emulator. */
  deps: GatewayDeps;
  stop(): Promise<void>;
}

const managementPathPrefix = '/v1/manage/';
/** How long a stop waits for requests it cut off to finish their invocations. */
const stopGraceMs = 10_000;
const localUsageWritesEveryMs = 50;
/**
 * DynamoDB Local is a JVM sharing this machine, and stalls for seconds when the machine is busy,
 * where DynamoDB answers in milliseconds: its calls get more room before they count as an outage.
 */
/** Locally webhooks may go to this machine, so a receiver can be tried out (never in the stacks). */
const localWebhooks = { SWITCHBOARD_WEBHOOKS_ALLOW_LOOPBACK: 'true' };
const localStoreLimits = {
  SWITCHBOARD_STORE_CONNECT_TIMEOUT_MS: '5000',
  SWITCHBOARD_STORE_TIMEOUT_MS: '5000',
  SWITCHBOARD_STORE_DEADLINE_MS: '15000',
};

/**
 * The local twin of the deployed gateway: DynamoDB Local (unless DYNAMODB_ENDPOINT points
 * elsewhere), the tables, a development key and a management key, and the router and
 * management handlers behind one function URL emulator that splits paths as CloudFront does.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const dataDir = options.env.SWITCHBOARD_DATA_DIR || '.switchboard';
  let dynamoDbLocal: DynamoDbLocal | undefined;
  if (!options.env.DYNAMODB_ENDPOINT) {
    const dbPath = join(dataDir, 'dynamodb');
    if (!options.inMemory) mkdirSync(dbPath, { recursive: true });
    // Supervised: if Java dies, it is started again on the same port and data, and the gateway
    // answers 503 store_unavailable meanwhile (see gateway-env.ts dynamoDbClient).
    dynamoDbLocal = await superviseDynamoDbLocal({ ...(options.inMemory ? {} : { dbPath }), log: (line) => console.error(line) });
    console.log(`DynamoDB Local is running on ${dynamoDbLocal.endpoint} (pid ${dynamoDbLocal.pid}); it is restarted if it stops.`);
  }
  try {
    const env = parseGatewayEnv({
      // A long-running server can batch usage writes; stop() writes what waits.
      SWITCHBOARD_USAGE_WRITES: String(localUsageWritesEveryMs),
      ...localStoreLimits,
      ...localWebhooks,
      ...options.env,
      DYNAMODB_ENDPOINT: options.env.DYNAMODB_ENDPOINT || dynamoDbLocal?.endpoint,
      // Usage that cannot be written waits in a file there (dead-letters/usage.jsonl) for replay.
      SWITCHBOARD_DATA_DIR: dataDir,
    });
    const dynamodb = dynamoDbClient(env);
    await ensureTables(dynamodb, { keys: env.KEYS_TABLE, policies: env.POLICIES_TABLE, usage: env.USAGE_TABLE, directory: env.DIRECTORY_TABLE });
    const keys = new DynamoDbKeyStore(dynamodb, env.KEYS_TABLE);
    const createdDevKey = await registerKey(keys, 'api', options.env.SWITCHBOARD_DEV_KEY);
    const createdAdminKey = await registerKey(keys, 'management', options.env.SWITCHBOARD_ADMIN_KEY);

    // One in-process alert pipeline: the router's announcements and the management API's replays deliver alike.
    const alerts = alertPipeline(env, dynamodb);
    const deps = gatewayDeps(env, dynamodb, credentialsFromEnv(options.env), alerts);
    const router = createRouterHandler(async () => routerRuntime(env, deps)) as unknown as StreamingHandler;
    // DuckDB over the request logs this server writes: the SQL Athena runs deployed.
    const analytics = new DuckDbAnalyticsEngine(dataDir);
    const management = createManagementHandler(async () => ({
      deps: { ...managementDeps(env, dynamodb, alerts), analytics },
    })) as unknown as BufferedHandler;
    // The console's static files, as CloudFront serves them from their bucket when deployed.
    const consoleFiles = consoleOrigin() as BufferedHandler;
    const server = functionUrlServer((path) =>
      path.startsWith(managementPathPrefix)
        ? { invokeMode: 'BUFFERED', handler: management }
        : isConsolePath(path)
          ? { invokeMode: 'BUFFERED', handler: consoleFiles }
          : { invokeMode: 'RESPONSE_STREAM', handler: router },
    );
    const port = Number(options.env.PORT || 8787);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    const { port: boundPort } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${boundPort}`,
      createdDevKey,
      createdAdminKey,
      dynamoDbEndpoint: env.DYNAMODB_ENDPOINT ?? '',
      deps,
      async stop() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        // Requests cut off above still settle their usage and log: written below, not lost.
        await settledWithin(server.invocationsSettled(), stopGraceMs);
        await Promise.all([deps.usage.flush(), deps.requestLog.flush()]);
        // Alerts are judged on the spend just written.
        await deps.alerts.flush();
        await analytics.close();
        dynamodb.destroy();
        await dynamoDbLocal?.stop();
      },
    };
  } catch (error) {
    await dynamoDbLocal?.stop();
    throw error;
  }
}

async function settledWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** A given key is registered as is; otherwise a store with no key of the kind gets a new one. */
async function registerKey(store: DynamoDbKeyStore, kind: KeyKind, fixedKey: string | undefined): Promise<string | undefined> {
  const name = kind === 'api' ? 'development' : 'local admin';
  if (fixedKey) {
    await store.putIfAbsent(newApiKeyRecord(fixedKey, name, Date.now(), kind));
    return undefined;
  }
  if (await store.hasAny(kind)) return undefined;
  const key = generateApiKey();
  await store.putIfAbsent(newApiKeyRecord(key, name, Date.now(), kind));
  return key;
}
