import { feedbackRecordSchema, type FeedbackRecord } from '../../core/request-log/feedback-record.js';
import { requestLogRecordSchema, type RequestLogRecord } from '../../core/request-log/request-log-record.js';
import type { RequestLogSink } from '../../ports/request-log-sink.js';
import { DroppedRecords, droppedLogLine, droppedMetricLines, type LogKind } from './dropped-records.js';

/** A record as queued: its JSON line (without the newline) and what it weighs. */
export interface QueuedLine {
  kind: LogKind;
  /** The record's own `timestamp`, for sinks that partition by it. */
  timestamp: string;
  line: string;
  /** Bytes of the line with its newline. */
  bytes: number;
}

export interface QueueLimits {
  /** Records waiting for a flush, both logs together; more are dropped (`queue_full`). */
  maxQueuedRecords: number;
  maxQueuedBytes: number;
  /** A longer line (newline included) is dropped (`too_large`). */
  maxRecordBytes: number;
}

export interface DropReporting {
  /** Where the one line per flush that dropped something goes. */
  log: (line: string) => void;
  /** Where embedded-metric lines go; none when absent. */
  metric?: (line: string) => void;
  now: () => number;
}

export const defaultQueueLimits: QueueLimits = { maxQueuedRecords: 10_000, maxQueuedBytes: 16 * 1024 * 1024, maxRecordBytes: 1024 * 1024 };

export const consoleDropReporting: DropReporting = { log: (line) => console.error(line), now: () => Date.now() };

// Each log line holds exactly the schema's fields, in its order: whatever else a record object
// carries never reaches the table. Not a full parse, which would cost about as much CPU per
// request as the rest of request logging (the records are typed where they are built).
const fieldsOf: Record<LogKind, readonly string[]> = {
  requests: Object.keys(requestLogRecordSchema.shape),
  feedback: Object.keys(feedbackRecordSchema.shape),
};

/**
 * What both sinks share: `write` turns a record into its line and queues it (bounded; never
 * throws), `flush` hands what is queued to `deliver`, one delivery at a time, and then reports
 * in one line what was dropped since the last flush. Flushes called while one runs share the
 * next delivery, so a busy server delivers in batches rather than once per request.
 */
export abstract class QueuedRequestLogSink implements RequestLogSink {
  protected readonly dropped = new DroppedRecords();
  private queue: QueuedLine[] = [];
  private queuedBytes = 0;
  private last: Promise<void> = Promise.resolve();
  private next: Promise<void> | undefined;

  protected constructor(
    private readonly limits: QueueLimits,
    private readonly reporting: DropReporting,
  ) {}

  /** The sink's name in the dropped-records line (`files`, `firehose`). */
  protected abstract readonly sinkName: string;

  /** Where a log's records go, for the dropped-records line (a folder, a stream name). */
  protected abstract destination(kind: LogKind): string;

  /** Delivers the lines, counting in `this.dropped` those that could not be. */
  protected abstract deliver(lines: readonly QueuedLine[]): Promise<void>;

  write(record: RequestLogRecord): void {
    this.enqueue('requests', record);
  }

  writeFeedback(record: FeedbackRecord): void {
    this.enqueue('feedback', record);
  }

  /** Resolves once every record queued before the call is delivered or counted as dropped. */
  flush(): Promise<void> {
    if (this.next) return this.next;
    const next = this.last.then(() => {
      this.next = undefined;
      return this.deliverQueued();
    });
    this.next = next;
    this.last = next;
    return next;
  }

  /** Records queued and not yet taken by a delivery. */
  protected get queued(): number {
    return this.queue.length;
  }

  private enqueue(kind: LogKind, record: RequestLogRecord | FeedbackRecord): void {
    const fields: Record<string, unknown> = {};
    for (const field of fieldsOf[kind]) fields[field] = (record as Record<string, unknown>)[field];
    let line: string;
    try {
      line = JSON.stringify(fields);
    } catch {
      return this.dropped.add(kind, 'unserializable');
    }
    const bytes = Buffer.byteLength(line) + 1;
    if (bytes > this.limits.maxRecordBytes) return this.dropped.add(kind, 'too_large');
    if (this.queue.length >= this.limits.maxQueuedRecords || this.queuedBytes + bytes > this.limits.maxQueuedBytes) {
      return this.dropped.add(kind, 'queue_full');
    }
    this.queue.push({ kind, timestamp: String(record.timestamp), line, bytes });
    this.queuedBytes += bytes;
  }

  private async deliverQueued(): Promise<void> {
    const lines = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    if (lines.length > 0) {
      try {
        await this.deliver(lines);
      } catch {
        // `deliver` counts its own failures; this is the net under it, so flush never throws.
        for (const { kind } of lines) this.dropped.add(kind, 'delivery_failed');
      }
    }
    const counts = this.dropped.take();
    if (!counts) return;
    try {
      this.reporting.log(droppedLogLine(this.sinkName, counts, { requests: this.destination('requests'), feedback: this.destination('feedback') }));
      for (const line of this.reporting.metric ? droppedMetricLines(counts, this.reporting.now()) : []) this.reporting.metric?.(line);
    } catch {
      // A log that cannot be written has no one left to tell.
    }
  }
}
