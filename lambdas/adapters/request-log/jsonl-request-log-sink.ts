import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
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
 * as the deployed bucket is (`requests/year=/month=/day=/`, `feedback/...`). Each
 * sink appends to files of its own name, one append per file per flush and one flush at a time,
 * so two servers sharing a data folder never interleave parts of lines.
 */
export class JsonlRequestLogSink extends QueuedRequestLogSink {
  protected readonly sinkName = 'files';
  /** Unique to this sink: the process id, and random bytes for several sinks in one process. */
  readonly fileName = `${process.pid}-${randomBytes(6).toString('hex')}.jsonl`;
  private readonly timer: NodeJS.Timeout | undefined;
  /** Per log, the file last written. */
  private readonly files = new Map<LogKind, { folder: string; fd: number }>();

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

  /** Stops the timer, writes what is queued and closes the files. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    for (const { fd } of this.files.values()) closeSync(fd);
    this.files.clear();
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
        this.append(kind, folder, Buffer.from(`${fileLines.join('\n')}\n`));
      } catch (error) {
        this.dropped.add(kind, (error as NodeJS.ErrnoException).code ?? 'write_failed', fileLines.length);
      }
    }
  }

  /**
   * Synchronous, to a file kept open: a local file append is a few microseconds in the page
   * cache, where an asynchronous one costs the thread-pool round trip (~30 µs of CPU) and opening
   * the file each time ~200 µs, several times the cost of a request's record. A write that fails
   * midway is cut back, so the file never ends in part of a line.
   */
  private append(kind: LogKind, folder: string, bytes: Buffer): void {
    let file = this.files.get(kind);
    let stat = file?.folder === folder ? fstatSync(file.fd) : undefined;
    // Not open yet, another day's, or unlinked (its folder was cleared while the server ran).
    if (!file || !stat || stat.nlink === 0) {
      file = this.open(kind, folder);
      stat = fstatSync(file.fd);
    }
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(file.fd, bytes, written);
    } catch (error) {
      if (written > 0) ftruncateSync(file.fd, stat.size);
      throw error;
    }
  }

  /** Opens the folder's file, closing the log's previous one: a log's file stays open for its day. */
  private open(kind: LogKind, folder: string): { folder: string; fd: number } {
    const previous = this.files.get(kind);
    this.files.delete(kind);
    if (previous) closeSync(previous.fd);
    mkdirSync(folder, { recursive: true });
    const file = { folder, fd: openSync(join(folder, this.fileName), 'a') };
    this.files.set(kind, file);
    return file;
  }
}
