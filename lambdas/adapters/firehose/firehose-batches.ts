/**
 * PutRecordBatch's limits: 500 records and 4 MiB per call, 1,000 KiB per record (before base64).
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
 */
export const firehoseLimits = { maxRecordsPerCall: 500, maxBytesPerCall: 4 * 1024 * 1024, maxRecordBytes: 1_000 * 1024 };

/** Splits items, in order, into the fewest consecutive batches within both per-call limits. */
export function firehoseBatches<T>(items: readonly T[], bytesOf: (item: T) => number, limits = firehoseLimits): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (batch.length > 0 && (batch.length >= limits.maxRecordsPerCall || bytes + size > limits.maxBytesPerCall)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
