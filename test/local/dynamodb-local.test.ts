import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { superviseDynamoDbLocal } from '../../lambdas/local/dynamodb-local.js';
import { eventually } from '../support/eventually.js';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('supervised DynamoDB Local', () => {
  it('is started again on the same port and data after its Java process is killed, and taken down by stop() even while paused', async () => {
    const lines: string[] = [];
    const db = await superviseDynamoDbLocal({ dbPath: mkdtempSync(join(tmpdir(), 'switchboard-supervised-')), log: (line) => lines.push(line) });
    const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    try {
      await client.send(
        new CreateTableCommand({
          TableName: 'kept',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const first = db.pid;
      process.kill(first, 'SIGKILL');
      await eventually(async () => (db.pid !== first ? true : undefined), 'a new Java process');
      const tables = await eventually(async () => (await client.send(new ListTablesCommand({}))).TableNames, 'the restarted store to answer');
      expect(tables).toContain('kept');
      expect(lines).toEqual([expect.stringMatching(/^DynamoDB Local was killed by SIGKILL; restarted after [\d.]+ s as pid \d+ on http:\/\/127\.0\.0\.1:\d+\.$/)]);
      expect(lines[0]).toContain(db.endpoint);
    } finally {
      const last = db.pid;
      if (isRunning(last)) process.kill(last, 'SIGSTOP');
      await db.stop();
      client.destroy();
      await eventually(async () => (isRunning(last) ? undefined : true), 'the paused Java process to end', 15_000);
    }
    // Stopped on purpose: not restarted.
    expect(lines).toHaveLength(1);
  }, 240_000);
});
