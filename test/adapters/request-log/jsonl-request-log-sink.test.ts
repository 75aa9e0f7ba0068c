import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlRequestLogSink } from '../../../lambdas/adapters/request-log/jsonl-request-log-sink.js';
import { partitionOf } from '../../../lambdas/adapters/request-log/local-log-layout.js';
import type { DropReporting } from '../../../lambdas/adapters/request-log/queued-request-log-sink.js';
import { feedbackRecordSchema } from '../../../lambdas/core/request-log/feedback-record.js';
import { requestLogRecordSchema } from '../../../lambdas/core/request-log/request-log-record.js';
import { eventually } from '../../support/eventually.js';
import { feedbackRecord, requestLogRecord } from '../../support/request-log-records.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'request-log-'));
const recorded = () => {
  const lines: string[] = [];
  const reporting: DropReporting = { log: (line) => lines.push(line), now: () => 0 };
  return { lines, reporting };
};
/** Every line of every file under `folder`, per file name. */
function filesIn(folder: string): Record<string, string[]> {
  if (!existsSync(folder)) return {};
  return Object.fromEntries(readdirSync(folder).map((name) => [name, readFileSync(join(folder, name), 'utf8').split('\n')]));
}
const linesIn = (folder: string) => Object.values(filesIn(folder)).flatMap((lines) => lines.filter(Boolean));

describe('the local request log in JSON-lines files', () => {
  it('writes requests and feedback under <log>/year=/month=/day=/ of their UTC day, one schema record a line', async () => {
    const dir = dataDir();
    const sink = new JsonlRequestLogSink(dir);
    const first = requestLogRecord();
    const nextDay = requestLogRecord({ request_id: 'req-2', timestamp: '2026-03-05T00:00:00.000Z' });
    sink.write(first);
    sink.write(nextDay);
    sink.writeFeedback(feedbackRecord());
    await sink.flush();

    const day4 = join(dir, 'requests/year=2026/month=03/day=04');
    expect(Object.keys(filesIn(day4))).toEqual([sink.fileName]);
    expect(linesIn(day4).map((line) => requestLogRecordSchema.parse(JSON.parse(line)))).toEqual([first]);
    expect(linesIn(join(dir, 'requests/year=2026/month=03/day=05')).map((line) => JSON.parse(line))).toEqual([nextDay]);
    const feedback = linesIn(join(dir, 'feedback/year=2026/month=03/day=04')).map((line) => feedbackRecordSchema.parse(JSON.parse(line)));
    expect(feedback).toEqual([feedbackRecord()]);
    // Each file ends with a newline: an append never continues someone's last line.
    expect(readFileSync(join(day4, sink.fileName), 'utf8').endsWith('}\n')).toBe(true);
  });

  it('writes exactly the schema fields, in the schema order, whatever else the record object carries', async () => {
    const dir = dataDir();
    const sink = new JsonlRequestLogSink(dir);
    sink.write({ ...requestLogRecord(), prompt: 'secret text' } as ReturnType<typeof requestLogRecord>);
    await sink.flush();
    const [line] = linesIn(join(dir, 'requests/year=2026/month=03/day=04'));
    expect(Object.keys(JSON.parse(String(line)))).toEqual(Object.keys(requestLogRecordSchema.shape));
    expect(line).not.toContain('secret text');
  });

  it('only queues on write; a flush appends to the same file, and flushes asked for together share one write', async () => {
    const dir = dataDir();
    const folder = join(dir, 'requests/year=2026/month=03/day=04');
    const sink = new JsonlRequestLogSink(dir);
    sink.write(requestLogRecord({ request_id: 'a' }));
    expect(existsSync(join(dir, 'requests'))).toBe(false);
    const flushes = [sink.flush(), sink.flush()];
    expect(flushes[0]).toBe(flushes[1]);
    // Written while that flush runs: the next flush takes it, and waits for the first.
    sink.write(requestLogRecord({ request_id: 'b' }));
    const later = sink.flush();
    await later;
    expect(linesIn(folder).map((line) => JSON.parse(line).request_id)).toEqual(['a', 'b']);
    await sink.flush();
    expect(Object.keys(filesIn(folder))).toEqual([sink.fileName]);
  });

  it('writes into a new file when its folder was cleared while it ran', async () => {
    const dir = dataDir();
    const sink = new JsonlRequestLogSink(dir);
    sink.write(requestLogRecord({ request_id: 'before' }));
    await sink.flush();
    rmSync(join(dir, 'requests'), { recursive: true });
    sink.write(requestLogRecord({ request_id: 'after' }));
    await sink.flush();
    expect(linesIn(join(dir, 'requests/year=2026/month=03/day=04')).map((line) => JSON.parse(line).request_id)).toEqual(['after']);
  });

  it('gives two servers sharing a data folder a file each, every line whole', async () => {
    const dir = dataDir();
    const sinks = [new JsonlRequestLogSink(dir), new JsonlRequestLogSink(dir)];
    const big = 'x'.repeat(1_000);
    for (let round = 0; round < 20; round++) {
      sinks.forEach((sink, index) => {
        for (let i = 0; i < 50; i++) sink.write(requestLogRecord({ request_id: `s${index}-${round}-${i}`, tags: [big] }));
      });
      await Promise.all(sinks.map((sink) => sink.flush()));
    }
    const files = filesIn(join(dir, 'requests/year=2026/month=03/day=04'));
    expect(Object.keys(files).sort()).toEqual(sinks.map((sink) => sink.fileName).sort());
    sinks.forEach((sink, index) => {
      const ids = (files[sink.fileName] ?? []).filter(Boolean).map((line) => String(requestLogRecordSchema.parse(JSON.parse(line)).request_id));
      expect(ids).toHaveLength(1_000);
      expect(ids.every((id) => id.startsWith(`s${index}-`))).toBe(true);
    });
  });

  it('drops what is over the queue caps, counts it and logs one line with the counts, never throwing', async () => {
    const dir = dataDir();
    const { lines, reporting } = recorded();
    const sink = new JsonlRequestLogSink(dir, { limits: { maxQueuedRecords: 3 }, reporting });
    for (let i = 0; i < 5; i++) sink.write(requestLogRecord({ request_id: `r${i}` }));
    sink.writeFeedback(feedbackRecord());
    await sink.flush();
    expect(linesIn(join(dir, 'requests/year=2026/month=03/day=04'))).toHaveLength(3);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        level: 'error',
        msg: 'request log records dropped',
        sink: 'files',
        dropped: 3,
        requests: { destination: join(dir, 'requests'), dropped: 2, reasons: { queue_full: 2 } },
        feedback: { destination: join(dir, 'feedback'), dropped: 1, reasons: { queue_full: 1 } },
      },
    ]);
    // Counted once: the next flush has nothing to report.
    sink.write(requestLogRecord());
    await sink.flush();
    expect(lines).toHaveLength(1);

    const large = requestLogRecord({ tags: ['y'.repeat(1_000)] });
    const lineBytes = Buffer.byteLength(JSON.stringify(large)) + 1;
    const bytes = new JsonlRequestLogSink(dir, { limits: { maxQueuedBytes: 2 * lineBytes + 10 }, reporting });
    for (let i = 0; i < 5; i++) bytes.write(large);
    await bytes.flush();
    expect(JSON.parse(String(lines[1]))).toMatchObject({ dropped: 3, requests: { reasons: { queue_full: 3 } } });
  });

  it('counts and logs records it cannot write, and keeps serving', async () => {
    const file = join(dataDir(), 'not-a-folder');
    writeFileSync(file, '');
    const { lines, reporting } = recorded();
    const sink = new JsonlRequestLogSink(file, { reporting });
    sink.write(requestLogRecord());
    sink.write(requestLogRecord({ timestamp: 'yesterday' }));
    await expect(sink.flush()).resolves.toBeUndefined();
    expect(JSON.parse(String(lines[0]))).toMatchObject({ dropped: 2, requests: { reasons: { ENOTDIR: 1, invalid_timestamp: 1 } } });
  });

  it('flushes on its own timer when asked to, and on close', async () => {
    const dir = dataDir();
    const folder = join(dir, 'requests/year=2026/month=03/day=04');
    const sink = new JsonlRequestLogSink(dir, { autoFlushMs: 10 });
    sink.write(requestLogRecord({ request_id: 'timer' }));
    await eventually(async () => (linesIn(folder).length === 1 ? true : undefined), 'the timer flush', 10_000);
    const closing = new JsonlRequestLogSink(dir, { autoFlushMs: 3_600_000 });
    closing.write(requestLogRecord({ request_id: 'close' }));
    await closing.close();
    await sink.close();
    expect(linesIn(folder).map((line) => JSON.parse(line).request_id).sort()).toEqual(['close', 'timer']);
  });
});

describe('the partition of a record', () => {
  it('is the UTC day of its timestamp', () => {
    expect(partitionOf('2026-12-31T23:59:59.999Z')).toBe('year=2026/month=12/day=31');
    expect(partitionOf('2026-12-31T23:30:00-02:00')).toBe('year=2027/month=01/day=01');
    expect(partitionOf('not a time')).toBeUndefined();
  });
});
