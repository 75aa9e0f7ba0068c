import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { generateApiKey, newApiKeyRecord } from '../lambdas/core/auth/api-key.js';
import { DynamoDbKeyStore } from '../lambdas/adapters/dynamodb/dynamodb-key-store.js';

/**
 * `npm run create-key -- --table <KeysTableName> --name <label> [--management] [--region r]
 * [--expires-in-days n]`: stores a new API key, or with --management a management key, (hashed)
 * in a deployed keys table and prints it once. Uses the AWS SDK's default credentials;
 * DYNAMODB_ENDPOINT points it at DynamoDB Local instead.
 */
const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    name: { type: 'string', default: 'default' },
    region: { type: 'string' },
    'expires-in-days': { type: 'string' },
    management: { type: 'boolean', default: false },
  },
});
if (!values.table) {
  console.error(
    'Usage: npm run create-key -- --table <KeysTableName> [--name <label>] [--management] [--region <region>] [--expires-in-days <n>]',
  );
  process.exit(2);
}
const endpoint = process.env.DYNAMODB_ENDPOINT;
const client = new DynamoDBClient({
  ...(values.region ? { region: values.region } : {}),
  ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
});
const key = generateApiKey();
const now = Date.now();
const days = values['expires-in-days'] === undefined ? undefined : Number(values['expires-in-days']);
if (days !== undefined && !(days > 0)) {
  console.error('--expires-in-days must be a positive number');
  process.exit(2);
}
const kind = values.management ? 'management' : 'api';
const record = newApiKeyRecord(key, values.name, now, kind);
await new DynamoDbKeyStore(client, values.table).putIfAbsent(
  days === undefined ? record : { ...record, expiresAt: now + days * 86_400_000 },
);
console.log(`Created ${kind === 'api' ? 'API' : 'management'} key ${record.id} ("${values.name}"). It is shown only this once:\n\n  ${key}\n`);
