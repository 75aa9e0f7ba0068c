import { createHash } from 'node:crypto';
import { TransactionCanceledException, TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { conditionFailures } from './write-failure.js';

const maxConflictAttempts = 6;

/**
 * Sends a transaction for some requests, again when it collided with another write of the
 * same items. Its token, from the requests and the writes, makes it idempotent for ten
 * minutes: a retry after a lost answer is not applied twice, while another request's equal
 * writes are.
 */
export async function transactWrite(client: DynamoDBClient, items: TransactWriteItem[], forRequests: readonly string[]): Promise<void> {
  const token = createHash('sha256').update(JSON.stringify([forRequests, items])).digest('base64url').slice(0, 36);
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: token }));
      return;
    } catch (error) {
      const collided = error instanceof TransactionCanceledException && !conditionFailures(error) && (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict');
      if (!collided || attempt >= maxConflictAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    }
  }
}
