/** The two logs a sink writes: one line per request, one per feedback call. */
export type LogKind = 'requests' | 'feedback';

/** Per log, how many records were dropped for which reason (`queue_full`, an error code...). */
export type DroppedCounts = Partial<Record<LogKind, Record<string, number>>>;

/** Counts records dropped since the last report; what a sink reports once per flush. */
export class DroppedRecords {
  private counts: DroppedCounts = {};

  add(kind: LogKind, reason: string, count = 1): void {
    if (count <= 0) return;
    const reasons = (this.counts[kind] ??= {});
    reasons[reason] = (reasons[reason] ?? 0) + count;
  }

  /** The counts so far, or undefined when nothing was dropped; starts counting afresh. */
  take(): DroppedCounts | undefined {
    const counts = this.counts;
    if (Object.keys(counts).length === 0) return undefined;
    this.counts = {};
    return counts;
  }
}

const total = (reasons: Record<string, number> = {}) => Object.values(reasons).reduce((sum, count) => sum + count, 0);

/**
 * One structured line for everything a flush dropped: counts and reasons per log and where each
 * log goes, never a record's contents (they hold user ids, tags and extras).
 */
export function droppedLogLine(sink: string, counts: DroppedCounts, destinations: Record<LogKind, string>): string {
  const perLog = Object.fromEntries(
    Object.entries(counts).map(([kind, reasons]) => [kind, { destination: destinations[kind as LogKind], dropped: total(reasons), reasons }]),
  );
  const dropped = Object.values(counts).reduce((sum, reasons) => sum + total(reasons), 0);
  return JSON.stringify({ level: 'error', msg: 'request log records dropped', sink, dropped, ...perLog });
}

/**
 * CloudWatch embedded-metric-format documents (`Switchboard` / `RequestLogDropped`, by log),
 * which Lambda turns into metrics from its log without an API call.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function droppedMetricLines(counts: DroppedCounts, now: number): string[] {
  return Object.entries(counts).map(([kind, reasons]) =>
    JSON.stringify({
      _aws: {
        Timestamp: now,
        CloudWatchMetrics: [{ Namespace: 'Switchboard', Dimensions: [['Log']], Metrics: [{ Name: 'RequestLogDropped', Unit: 'Count' }] }],
      },
      Log: kind,
      RequestLogDropped: total(reasons),
    }),
  );
}
