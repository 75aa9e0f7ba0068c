import type { AlertWatch } from '../gateway/alerts/alert-watch.js';
import type { RecordedSettlement, UsageFolder } from '../ports/usage-folder.js';

/** A stream record of a recorded settlement: its sequence number and the item's new image. */
export interface FoldRecord {
  sequenceNumber: string;
  image: unknown;
}

export interface UsageFoldDeps {
  /** The settlement an item's image holds; throws when it holds none. */
  decode: (image: unknown) => RecordedSettlement;
  folder: UsageFolder;
  alerts: Pick<AlertWatch, 'noted' | 'flush'>;
  log: (line: string) => void;
}

/**
 * Folds one batch of a shard's records, in order, and evaluates the spend alerts of every
 * request counted, also of one a redelivered batch had counted before (the alert markers
 * announce a crossing once, so an invocation that died after its write loses no alert).
 * Answers the sequence number to resume from (Lambda's ReportBatchItemFailures): the first
 * record not counted, or none. A record that holds no settlement is logged and skipped.
 */
export async function foldBatch(records: readonly FoldRecord[], deps: UsageFoldDeps): Promise<string | undefined> {
  const decoded: RecordedSettlement[] = [];
  const readable: FoldRecord[] = [];
  for (const record of records) {
    try {
      decoded.push(deps.decode(record.image));
      readable.push(record);
    } catch (error) {
      // Only the router writes these items, with the code that reads them: kept whole in the log rather than blocking the shard.
      deps.log(JSON.stringify({ level: 'error', msg: 'usage record not readable; skipped', sequence: record.sequenceNumber, error: message(error), image: record.image }));
    }
  }
  let counted = 0;
  try {
    counted = await deps.folder.fold(decoded.map((entry) => entry.settlement));
  } catch (error) {
    deps.log(JSON.stringify({ level: 'error', msg: 'usage not folded', error: message(error) }));
  }
  for (const { subjects } of decoded.slice(0, counted)) if (subjects) deps.alerts.noted(subjects);
  await deps.alerts.flush();
  if (counted < readable.length) {
    const at = readable[counted]?.sequenceNumber;
    deps.log(JSON.stringify({ level: 'error', msg: 'usage fold resumes from a record not counted', sequence: at, counted, of: readable.length }));
    return at;
  }
  return undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 500) : String(error);
}
