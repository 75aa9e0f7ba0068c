import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { UsageDeadLetters } from '../../ports/usage-dead-letters.js';
import type { UsageFolder } from '../../ports/usage-folder.js';
import type { Settlement } from '../../ports/usage-store.js';
import { deadLetterSettlement } from './dead-letter-settlement.js';
import { settleMarked } from './settle-marked.js';
import { transactWrite } from './transact-write.js';
import { markSettled, settlementTransactions } from './usage-items.js';
import { defaultWriteRetries, isRetryable, retried, type WriteRetries } from './write-failure.js';

/**
 * Folds recorded settlements (see unfolded-usage.ts) into the counters and usage rows with the
 * settlement transactions, each request's marker marked `settled` in the same transaction on
 * condition it was not yet: a redelivered batch, or a request a replay counted already, adds
 * nothing again. A transaction that fails goes again request by request, so the requests not
 * yet counted are; one DynamoDB refuses outright (it never will be written) goes to the usage
 * dead letters, whose replay counts it with the same marker; one that may pass later stops the
 * fold there, for the stream to bring it again.
 */
export class DynamoDbUsageFolder implements UsageFolder {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly deadLetters: UsageDeadLetters,
    private readonly retries: WriteRetries = defaultWriteRetries,
  ) {}

  async fold(settlements: readonly Settlement[]): Promise<number> {
    const mark = (settlement: Settlement) => ({ Update: markSettled(this.tableName, settlement.record, { afterRelease: false }) });
    let done = 0;
    for (const transaction of settlementTransactions(this.tableName, settlements, mark)) {
      const ids = transaction.settlements.map((settlement) => settlement.record.requestId);
      if (!(await retried(() => transactWrite(this.client, transaction.items, ids), this.retries))) {
        done += transaction.settlements.length;
        continue;
      }
      for (const settlement of transaction.settlements) {
        if (!(await this.foldAlone(settlement))) return done;
        done++;
      }
    }
    return done;
  }

  /** False when the settlement is neither counted nor dead-lettered (the fold stops there). */
  private async foldAlone(settlement: Settlement): Promise<boolean> {
    const failed = await retried(() => settleMarked(this.client, this.tableName, settlement, { afterRelease: false }), this.retries);
    if (!failed) return true;
    if (isRetryable(failed.error)) return false;
    return deadLetterSettlement(this.deadLetters, settlement, failed.error, this.retries).then(
      () => true,
      () => false,
    );
  }
}
