import type { LogKind } from '../request-log/dropped-records.js';
import {
  consoleDropReporting,
  defaultQueueLimits,
  QueuedRequestLogSink,
  type DropReporting,
  type QueuedLine,
  type QueueLimits,
} from '../request-log/queued-request-log-sink.js';
import { firehoseBatches, firehoseLimits } from './firehose-batches.js';
import type { PutRecordBatch, PutRecordBatchAnswer } from './firehose-put-record-batch.js';

export interface FirehoseRetry {
  /** Tries per record, the first included. */
  maxAttempts: number;
  /** The wait before the second try; it doubles each time, up to `maxDelayMs`, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface FirehoseRequestLogSinkOptions {
  /** The delivery stream of each log. */
  streams: Record<LogKind, string>;
  put: PutRecordBatch;
  limits?: Partial<Omit<QueueLimits, 'maxRecordBytes'>>;
  retry?: Partial<FirehoseRetry>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  reporting?: DropReporting;
}

const defaultRetry: FirehoseRetry = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

/** Errors worth another try although the service calls them the caller's: too many requests. */
const throttlingErrors = new Set(['ThrottlingException', 'LimitExceededException', 'TooManyRequestsException', 'RequestLimitExceeded']);

type SdkError = { name?: string; code?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };

function errorCode(error: unknown): string {
  const { name, code } = (error ?? {}) as SdkError;
  return code ?? name ?? 'Error';
}

/** A request Firehose refused as invalid (no such stream, no permission...) fails the same way again. */
function retryable(error: unknown): boolean {
  const { $fault, $metadata } = (error ?? {}) as SdkError;
  return $fault !== 'client' || throttlingErrors.has(errorCode(error)) || $metadata?.httpStatusCode === 429;
}

/** The entries Firehose reports failed (an `ErrorCode`, or no answer at all), with their codes. */
function failedEntries(sent: readonly Uint8Array[], answer: PutRecordBatchAnswer): Array<{ data: Uint8Array; code: string }> {
  if (!answer.FailedPutCount) return [];
  const responses = answer.RequestResponses ?? [];
  return sent.flatMap((data, index) => {
    const response = responses[index];
    if (response && !response.ErrorCode) return [];
    return [{ data, code: response?.ErrorCode ?? 'NoResponse' }];
  });
}

/**
 * The deployed request log: each record a newline-terminated JSON object in its log's Firehose
 * stream (DirectPut into S3, partitioned by day), sent with PutRecordBatch within its limits.
 * What Firehose reports failed, record by record, and calls that fail whole are tried again a
 * bounded number of times with backoff; what is finally dropped is counted, logged in one line
 * and emitted as the `RequestLogDropped` metric. `flush` never throws.
 */
export class FirehoseRequestLogSink extends QueuedRequestLogSink {
  protected readonly sinkName = 'firehose';
  private readonly retry: FirehoseRetry;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: FirehoseRequestLogSinkOptions) {
    super(
      { ...defaultQueueLimits, ...options.limits, maxRecordBytes: firehoseLimits.maxRecordBytes },
      options.reporting ?? { ...consoleDropReporting, metric: (line) => void process.stdout.write(`${line}\n`) },
    );
    this.retry = { ...defaultRetry, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  protected destination(kind: LogKind): string {
    return this.options.streams[kind];
  }

  protected async deliver(lines: readonly QueuedLine[]): Promise<void> {
    const kinds: LogKind[] = ['requests', 'feedback'];
    // The two streams are independent: one slow or failing never holds the other's records.
    await Promise.all(
      kinds.map(async (kind) => {
        const ofKind = lines.filter((line) => line.kind === kind);
        for (const batch of firehoseBatches(ofKind, (line) => line.bytes)) {
          await this.put(kind, batch.map(({ line }) => Buffer.from(`${line}\n`)));
        }
      }),
    );
  }

  private async put(kind: LogKind, records: readonly Uint8Array[]): Promise<void> {
    const stream = this.options.streams[kind];
    let pending = records.map((data) => ({ data, code: '' }));
    for (let attempt = 1; ; attempt++) {
      let failed: typeof pending;
      try {
        failed = failedEntries(
          pending.map(({ data }) => data),
          await this.options.put(stream, pending.map(({ data }) => data)),
        );
      } catch (error) {
        const code = errorCode(error);
        if (!retryable(error)) return this.dropped.add(kind, code, pending.length);
        failed = pending.map(({ data }) => ({ data, code }));
      }
      if (failed.length === 0) return;
      if (attempt >= this.retry.maxAttempts) {
        for (const { code } of failed) this.dropped.add(kind, code);
        return;
      }
      // "Equal jitter": at least half the backoff, so retries of many instances spread out.
      const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      await this.sleep(backoff / 2 + (backoff / 2) * this.random());
      pending = failed;
    }
  }
}
