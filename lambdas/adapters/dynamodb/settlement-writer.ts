import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { encodeLetter } from '../dead-letters/dead-letter-codec.js';
import type { UsageDeadLetters } from '../../ports/usage-dead-letters.js';
import type { Settlement } from '../../ports/usage-store.js';
import { deadLetterSettlement } from './dead-letter-settlement.js';
import { GroupCommit } from './group-commit.js';
import { transactWrite } from './transact-write.js';
import { unfoldedPut } from './unfolded-usage.js';
import { settleMarked } from './settle-marked.js';
import { settlementTransactions } from './usage-items.js';
import { conditionFailures, failureReason, retried, type WriteRetries } from './write-failure.js';

/**
 * Writes settlements so that one never fails another. Concurrent ones are group-committed,
 * their amounts added up, in as few transactions as fit. A transaction that fails is tried
 * again as it was (its token makes that safe) while the failure may pass, then settlement by
 * settlement, each again with backoff; one that still cannot be written goes to `deadLetters`
 * (and, should that fail too, whole into the log). Nothing loops: every write ends written or
 * dead-lettered within the retries.
 */
export class SettlementWriter {
  private readonly writing = new Set<Promise<void>>();
  private readonly batches = new GroupCommit<Settlement>((batch) => this.settleBatch(batch));

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly deadLetters: UsageDeadLetters,
    private readonly retries: WriteRetries,
  ) {}

  /** Resolves once each settlement is written or dead-lettered; never rejects. */
  write(settlements: readonly Settlement[]): Promise<void> {
    return this.tracked(settlements, (settlement) => this.batches.submit(settlement));
  }

  /**
   * Records settlements that held nothing, each as its own item for the usage fold to add up
   * (see unfolded-usage.ts), with the same retries and dead letters. Never rejects.
   */
  record(settlements: readonly Settlement[], now: number): Promise<void> {
    const put = async (settlement: Settlement) => {
      try {
        await this.client.send(new PutItemCommand(unfoldedPut(this.tableName, settlement, now)));
      } catch (error) {
        // Recorded by an earlier try whose answer was lost, or counted already: counted once.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    };
    return this.tracked(settlements, (settlement) => this.settleAlone(settlement, put));
  }

  /** Writes each settlement, kept among the writes under way until all are done; a loss is logged whole. */
  private tracked(settlements: readonly Settlement[], write: (settlement: Settlement) => Promise<void>): Promise<void> {
    const done = Promise.all(settlements.map((settlement) => write(settlement).catch((error: unknown) => logLost(settlement, error)))).then(() => undefined);
    this.writing.add(done);
    void done.finally(() => this.writing.delete(done));
    return done;
  }

  /** Resolves once every write under way has ended. */
  async settled(): Promise<void> {
    await Promise.all(this.writing);
  }

  /**
   * Writes a dead-lettered settlement again, at most once per request: a held settlement is
   * guarded by its reservation (and, once that expired, by the request's marker), one that held
   * nothing by the marker this writes. Throws when it still fails.
   */
  async replay(settlement: Settlement): Promise<'written' | 'already written'> {
    if (settlement.hold) {
      try {
        await this.send([settlement]);
        return 'written';
      } catch (error) {
        if (!conditionFailures(error)) throw error;
      }
    }
    return (await settleMarked(this.client, this.tableName, settlement, { afterRelease: settlement.hold !== undefined })) ? 'written' : 'already written';
  }

  /**
   * A transaction that fails (a reservation in it released meanwhile, a settlement DynamoDB
   * refuses, a failure that outlasts the retries) goes again settlement by settlement. Answers
   * for each settlement whether even dead-lettering it failed.
   */
  private async settleBatch(batch: readonly Settlement[]): Promise<unknown[]> {
    const failures = new Map<Settlement, unknown>();
    const alone = (settlement: Settlement) => this.settleAlone(settlement).catch((error: unknown) => void failures.set(settlement, error));
    // A settlement the items cannot even be made of (it would throw here) fails only itself, alone.
    const transactions = batch.length === 1 ? undefined : attempt(() => settlementTransactions(this.tableName, batch));
    if (!transactions) await Promise.all(batch.map(alone));
    else {
      for (const { items, settlements } of transactions) {
        const failed = await retried(() => transactWrite(this.client, items, requestIds(settlements)), this.retries);
        if (failed) await Promise.all(settlements.map(alone));
      }
    }
    return batch.map((settlement) => failures.get(settlement));
  }

  /** Written, with retries, or dead-lettered; rejects only when the dead letter could not be stored. */
  private async settleAlone(settlement: Settlement, write = (s: Settlement) => this.settleOne(s)): Promise<void> {
    const failed = await retried(() => write(settlement), this.retries);
    if (failed) await deadLetterSettlement(this.deadLetters, settlement, failed.error, this.retries);
  }

  private async settleOne(settlement: Settlement): Promise<void> {
    try {
      // The usual case: the reservation is still there; replace it by the actual cost.
      await this.send([settlement]);
    } catch (error) {
      if (!conditionFailures(error) || !settlement.hold) throw error;
      // The reservation is gone: released as expired (its request presumed dead), then the cost
      // is added on its own, once; or this very settlement was written by an earlier try.
      await settleMarked(this.client, this.tableName, settlement, { afterRelease: true });
    }
  }

  private send(settlements: readonly Settlement[]): Promise<void> {
    return transactWrite(this.client, settlementTransactions(this.tableName, settlements)[0]?.items ?? [], requestIds(settlements));
  }
}

function requestIds(settlements: readonly Settlement[]): string[] {
  return settlements.map((settlement) => settlement.record.requestId);
}

function attempt<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** The last resort: the letter whole in the log, in the format replay reads. */
function logLost(settlement: Settlement, error: unknown): void {
  const letter = encodeLetter({ settlement, reason: failureReason(error), at: Date.now() });
  console.error(`Usage of request ${settlement.record.requestId} could not be written nor dead-lettered; replay this line: ${letter}`);
}
