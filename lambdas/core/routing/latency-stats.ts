export type LatencyMode = 'stream' | 'complete';

interface Sample {
  at: number;
  ms: number;
}

export interface LatencyStatsOptions {
  /** Samples kept per model and mode. */
  windowSize: number;
  /** Samples older than this are ignored. */
  windowMs: number;
}

/**
 * Recent latency per model: time to first token for streams, total time otherwise, over a
 * rolling window of the last requests within the last hour. Kept in memory per instance, so it
 * reflects what this instance actually sees.
 */
export class LatencyStats {
  private readonly samples = new Map<string, Sample[]>();

  constructor(private readonly options: LatencyStatsOptions = { windowSize: 100, windowMs: 60 * 60_000 }) {}

  record(model: string, mode: LatencyMode, ms: number, now: number): void {
    const key = `${mode} ${model}`;
    const list = this.samples.get(key) ?? [];
    list.push({ at: now, ms });
    if (list.length > this.options.windowSize) list.shift();
    this.samples.set(key, list);
  }

  /** The median of the recent samples, or undefined when the model has none. */
  median(model: string, mode: LatencyMode, now: number): number | undefined {
    const recent = (this.samples.get(`${mode} ${model}`) ?? [])
      .filter((sample) => now - sample.at <= this.options.windowMs)
      .map((sample) => sample.ms)
      .sort((a, b) => a - b);
    if (recent.length === 0) return undefined;
    const middle = recent.length >> 1;
    return recent.length % 2 === 1 ? (recent[middle] ?? 0) : ((recent[middle - 1] ?? 0) + (recent[middle] ?? 0)) / 2;
  }
}
