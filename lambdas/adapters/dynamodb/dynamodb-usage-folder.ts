import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { UsageFolder } from '../../ports/usage-folder.js';
import type { Settlement } from '../../ports/usage-store.js';
import { settleMarked } from './settle-marked.js';
import { transactWrite } from './transact-write.js';
import { markSettled, settlementTransactions } from './usage-items.js';
import { conditionFailures, defaultWriteRetries, retried, type WriteRetries } from './write-failure.js';

/**
 * Folds recorded settlements (see unfolded-usage.ts) into the counters and usage rows with the
 * settlement transactions, each request's marker marked `settled` in the same transaction on
 * condition it was not yet: a redelivered batch, or a request a replay counted already, adds
 * nothing again. A transaction refused for that condition goes again request by request, so
 * the requests not yet counted are.
 */
export class DynamoDbUsageFolder implements UsageFolder {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly retries: WriteRetries = defaultWriteRetries,
  ) {}

  async fold(settlements: readonly Settlement[]): Promise<number> {
    const mark = (settlement: Settlement) => ({ Update: markSettled(this.tableName, settlement.record, { afterRelease: false }) });
    let done = 0;
    for (const transaction of settlementTransactions(this.tableName, settlements, mark)) {
      const ids = transaction.settlements.map((settlement) => settlement.record.requestId);
      const failed = await retried(() => transactWrite(this.client, transaction.items, ids), this.retries);
      if (!failed) {
        done += transaction.settlements.length;
        continue;
      }
      if (!conditionFailures(failed.error)) return done;
      for (const settlement of transaction.settlements) {
        if (await retried(() => settleMarked(this.client, this.tableName, settlement, { afterRelease: false }), this.retries)) return done;
        done++;
      }
    }
    return done;
  }
}
