import type { RecordedSettlement, UsageFolder } from '../../lambdas/ports/usage-folder.js';

export interface LeftoverReport {
  /** Requests now counted (by this run, or by the live fold meanwhile). */
  counted: number;
  /** Requests that could still not be written: run again later. */
  left: number;
}

/**
 * Folds recorded settlements the usage fold left behind, `batchSize` at a time, as the fold does
 * (each request counted once however often it is given). A batch the store cannot write is
 * counted as left and the run goes on with the next.
 */
export async function foldLeftovers(source: AsyncIterable<RecordedSettlement>, folder: UsageFolder, batchSize = 25): Promise<LeftoverReport> {
  const report: LeftoverReport = { counted: 0, left: 0 };
  let batch: RecordedSettlement[] = [];
  const foldBatch = async () => {
    const counted = await folder.fold(batch.map((entry) => entry.settlement));
    report.counted += counted;
    report.left += batch.length - counted;
    batch = [];
  };
  for await (const entry of source) {
    batch.push(entry);
    if (batch.length >= batchSize) await foldBatch();
  }
  if (batch.length > 0) await foldBatch();
  return report;
}
