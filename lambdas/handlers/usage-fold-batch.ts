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
 * record not counted, or none.
 */
export async function foldBatch(records: readonly FoldRecord[], deps: UsageFoldDeps): Promise<string | undefined> {
  const decoded: RecordedSettlement[] = [];
  for (const record of records) {
    try {
      decoded.push(deps.decode(record.image));
    } catch (error) {
      deps.log(JSON.stringify({ level: 'error', msg: 'usage record not readable; the fold stops before it', sequence: record.sequenceNumber, error: message(error) }));
      break;
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
  if (counted < records.length) {
    const at = records[counted]?.sequenceNumber;
    deps.log(JSON.stringify({ level: 'error', msg: 'usage fold resumes from a record not counted', sequence: at, counted, of: records.length }));
    return at;
  }
  return undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 500) : String(error);
}
