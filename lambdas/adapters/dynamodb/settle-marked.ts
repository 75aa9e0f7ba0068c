import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Settlement } from '../../ports/usage-store.js';
import { transactWrite } from './transact-write.js';
import { markSettled, settlementTransactions } from './usage-items.js';
import { conditionFailures } from './write-failure.js';

/**
 * Adds a settlement without its reservation, together with the request's marker; false when
 * the marker says it was settled already (or, `afterRelease`, that its reservation was never
 * released, so the settlement that removed it was this one).
 */
export async function settleMarked(client: DynamoDBClient, tableName: string, settlement: Settlement, { afterRelease }: { afterRelease: boolean }): Promise<boolean> {
  const items = settlementTransactions(tableName, [{ ...settlement, hold: undefined }])[0]?.items ?? [];
  try {
    await transactWrite(client, [...items, { Update: markSettled(tableName, settlement.record, { afterRelease }) }], [settlement.record.requestId]);
    return true;
  } catch (error) {
    if (conditionFailures(error)) return false;
    throw error;
  }
}
