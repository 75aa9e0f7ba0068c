import type { UsageDeadLetters } from '../../ports/usage-dead-letters.js';
import type { Settlement } from '../../ports/usage-store.js';
import { failureReason, retried, type WriteRetries } from './write-failure.js';

/**
 * Puts a settlement that could not be written into the dead letters (with retries) and logs
 * one line saying where it waits; rejects with the last failure when even that failed.
 */
export async function deadLetterSettlement(deadLetters: UsageDeadLetters, settlement: Settlement, error: unknown, retries: WriteRetries): Promise<void> {
  const reason = failureReason(error);
  const notStored = await retried(() => deadLetters.put(settlement, reason), retries, () => true);
  if (notStored) throw notStored.error;
  const { requestId, keyId } = settlement.record;
  console.error(`Usage of request ${requestId} (key ${keyId}) could not be written (${reason.message}); it waits in ${deadLetters.description} for npm run replay-usage.`);
}
