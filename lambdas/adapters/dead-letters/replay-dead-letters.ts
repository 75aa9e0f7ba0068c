import type { DeadLetterInbox, DeadLetterReason } from '../../ports/usage-dead-letters.js';
import type { Settlement } from '../../ports/usage-store.js';

export interface ReplayReport {
  written: number;
  /** Letters whose settlement had been written before (by the original write, or an earlier replay). */
  alreadyWritten: number;
  /** Letters that still could not be written: left where they were, with the new reason. */
  kept: number;
}

/**
 * Writes each dead letter's settlement again and removes the letter once it is written (or
 * found written already); a letter that fails again is kept. One pass over the inbox.
 */
export async function replayDeadLetters(
  inbox: DeadLetterInbox,
  replay: (settlement: Settlement) => Promise<'written' | 'already written'>,
  reasonOf: (error: unknown) => DeadLetterReason,
  log: (line: string) => void = console.log,
): Promise<ReplayReport> {
  const report: ReplayReport = { written: 0, alreadyWritten: 0, kept: 0 };
  for await (const received of inbox.letters()) {
    const { requestId, keyId } = received.letter.settlement.record;
    let outcome: 'written' | 'already written';
    try {
      outcome = await replay(received.letter.settlement);
    } catch (error) {
      const reason = reasonOf(error);
      await received.keep(reason);
      report.kept++;
      log(`kept    ${requestId} (key ${keyId}): ${reason.message}`);
      continue;
    }
    await received.remove();
    if (outcome === 'written') report.written++;
    else report.alreadyWritten++;
    log(`${outcome === 'written' ? 'written' : 'skipped'} ${requestId} (key ${keyId})${outcome === 'written' ? '' : ': written before'}`);
  }
  return report;
}
