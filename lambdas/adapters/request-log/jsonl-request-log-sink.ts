import { randomBytes } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogKind } from './dropped-records.js';
import { localLogDir, partitionOf } from './local-log-layout.js';
import {
  consoleDropReporting,
  defaultQueueLimits,
  QueuedRequestLogSink,
  type DropReporting,
  type QueuedLine,
  type QueueLimits,
} from './queued-request-log-sink.js';

export interface JsonlRequestLogSinkOptions {
  limits?: Partial<QueueLimits>;
  reporting?: DropReporting;
  /** Flush on a timer this often (a long-running server); the timer never keeps the process alive. */
  autoFlushMs?: number;
}

/**
 * The local request log: JSON lines under the data folder, partitioned by the record's UTC day
 * as the deployed bucket is (`logs/requests/year=/month=/day=/`, `logs/feedback/...`). Each
 * sink appends to files of its own name, one append per file per flush and one flush at a time,
 * so two servers sharing a data folder never interleave parts of lines.
 */
export class JsonlRequestLogSink extends QueuedRequestLogSink {
  protected readonly sinkName = 'files';
  /** Unique to this sink: the process id, and random bytes for several sinks in one process. */
  readonly fileName = `${process.pid}-${randomBytes(6).toString('hex')}.jsonl`;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly folders = new Set<string>();

  constructor(
    private readonly dataDir: string,
    options: JsonlRequestLogSinkOptions = {},
  ) {
    super({ ...defaultQueueLimits, ...options.limits }, options.reporting ?? consoleDropReporting);
    if (options.autoFlushMs) {
      this.timer = setInterval(() => {
        if (this.queued > 0) void this.flush();
      }, options.autoFlushMs);
      this.timer.unref();
    }
  }

  /** Stops the timer and writes what is queued. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  protected destination(kind: LogKind): string {
    return localLogDir(this.dataDir, kind);
  }

  protected async deliver(lines: readonly QueuedLine[]): Promise<void> {
    const files = new Map<string, { kind: LogKind; lines: string[] }>();
    for (const { kind, timestamp, line } of lines) {
      const partition = partitionOf(timestamp);
      if (!partition) {
        this.dropped.add(kind, 'invalid_timestamp');
        continue;
      }
      const folder = join(localLogDir(this.dataDir, kind), partition);
      const file = files.get(folder) ?? { kind, lines: [] };
      file.lines.push(line);
      files.set(folder, file);
    }
    for (const [folder, { kind, lines: fileLines }] of files) {
      try {
        await this.append(folder, `${fileLines.join('\n')}\n`);
      } catch (error) {
        this.dropped.add(kind, (error as NodeJS.ErrnoException).code ?? 'write_failed', fileLines.length);
      }
    }
  }

  private async append(folder: string, text: string): Promise<void> {
    const path = join(folder, this.fileName);
    if (!this.folders.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.folders.add(folder);
    }
    try {
      await appendFile(path, text);
    } catch (error) {
      // The folder was removed while the server ran: made again, once.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(folder, { recursive: true });
      await appendFile(path, text);
    }
  }
}
