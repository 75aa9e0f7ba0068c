import './lambda-streaming-shim.js';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generateApiKey, newApiKeyRecord } from '../core/auth/api-key.js';
import { DynamoDbKeyStore } from '../adapters/dynamodb/dynamodb-key-store.js';
import { credentialsFromEnv, dynamoDbClient, gatewayDeps, parseGatewayEnv } from '../handlers/gateway-env.js';
import { createRouterHandler } from '../handlers/router-handler.js';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { ensureTables } from './ensure-tables.js';
import { functionUrlServer } from './function-url-server.js';
import type { GatewayDeps } from '../gateway/gateway-config.js';
import type { StreamingHandler } from './lambda-streaming-shim.js';

export interface LocalGatewayOptions {
  /** The environment to configure from (PORT, DYNAMODB_ENDPOINT, SWITCHBOARD_* ...). */
  env: NodeJS.ProcessEnv;
  /** Keep DynamoDB Local's data in memory instead of SWITCHBOARD_DATA_DIR. */
  inMemory?: boolean;
}

export interface LocalGateway {
  url: string;
  /** Set when this start created a development key: the only time it can be shown. */
  createdDevKey: string | undefined;
  dynamoDbEndpoint: string;
  /** What the handler serves with, for tools that measure the gateway without the emulator. */
  deps: GatewayDeps;
  stop(): Promise<void>;
}

/**
 * The local twin of the deployed router: DynamoDB Local (unless DYNAMODB_ENDPOINT points
 * elsewhere), the tables, a development key, and the router handler behind a function URL
 * emulator.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const dataDir = options.env.SWITCHBOARD_DATA_DIR || '.switchboard';
  let dynamoDbLocal: DynamoDbLocal | undefined;
  if (!options.env.DYNAMODB_ENDPOINT) {
    const dbPath = join(dataDir, 'dynamodb');
    if (!options.inMemory) mkdirSync(dbPath, { recursive: true });
    dynamoDbLocal = await startDynamoDbLocal(options.inMemory ? {} : { dbPath });
  }
  try {
    const env = parseGatewayEnv({ ...options.env, DYNAMODB_ENDPOINT: options.env.DYNAMODB_ENDPOINT || dynamoDbLocal?.endpoint });
    const dynamodb = dynamoDbClient(env);
    await ensureTables(dynamodb, { keys: env.KEYS_TABLE });
    const createdDevKey = await registerDevKey(new DynamoDbKeyStore(dynamodb, env.KEYS_TABLE), options.env.SWITCHBOARD_DEV_KEY);

    const deps = gatewayDeps(env, dynamodb, credentialsFromEnv(env));
    const handler = createRouterHandler(async () => ({ deps }));
    const server = functionUrlServer(handler as unknown as StreamingHandler);
    const port = Number(options.env.PORT || 8787);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    const { port: boundPort } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${boundPort}`,
      createdDevKey,
      dynamoDbEndpoint: env.DYNAMODB_ENDPOINT ?? '',
      deps,
      async stop() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        dynamodb.destroy();
        await dynamoDbLocal?.stop();
      },
    };
  } catch (error) {
    await dynamoDbLocal?.stop();
    throw error;
  }
}

/** SWITCHBOARD_DEV_KEY registers that exact key; otherwise an empty store gets a new one. */
async function registerDevKey(store: DynamoDbKeyStore, fixedKey: string | undefined): Promise<string | undefined> {
  if (fixedKey) {
    await store.putIfAbsent(newApiKeyRecord(fixedKey, 'development', Date.now()));
    return undefined;
  }
  if (await store.hasAny()) return undefined;
  const key = generateApiKey();
  await store.putIfAbsent(newApiKeyRecord(key, 'development', Date.now()));
  return key;
}
