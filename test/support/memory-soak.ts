import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { connectInspector, inspectorUrl, type InspectorSession } from './inspector-session.js';
import { MockOpenAIUpstream } from './mock-openai-upstream.js';
import { startSpawnedGateway, type SpawnedGateway } from './spawned-gateway.js';

/** How much traffic a soak sends, in equal batches with memory samples after each. */
export interface SoakCounts {
  requests: number;
  streams: number;
  /** Streams the client leaves after their first chunk. */
  abortedStreams: number;
  batches: number;
  concurrency: number;
}

/** Issue 11's figures: what `npm run soak` sends. */
export const fullSoak: SoakCounts = { requests: 20_000, streams: 2_000, abortedStreams: 1_000, batches: 10, concurrency: 24 };

/**
 * `npm start` as a user runs it, with its `openai` provider pointed at a local OpenAI mock and
 * its inspector open on loopback, so memory can be read after a full garbage collection.
 * Without one, resident memory says little: an idle Node process does not collect, and between
 * collections its heap holds tens of MB of garbage that come and go with the allocation rate.
 */
export interface SoakTarget {
  gateway: SpawnedGateway;
  upstream: MockOpenAIUpstream;
  inspector: InspectorSession;
  stop: () => Promise<void>;
}

/** Starts the target; without `dynamoDbEndpoint` the gateway starts its own DynamoDB Local. */
export async function startSoakTarget(options: { dynamoDbEndpoint?: string } = {}): Promise<SoakTarget> {
  const upstream = new MockOpenAIUpstream();
  const gateway = await startSpawnedGateway({
    ...options,
    env: {
      OPENAI_BASE_URL: await upstream.start(),
      OPENAI_API_KEY: 'sk-soak-0123456789abcdef',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`,
    },
  });
  const inspector = await connectInspector(inspectorUrl(gateway.output()));
  return {
    gateway,
    upstream,
    inspector,
    stop: async () => {
      // A process with a debugger attached waits for it to leave before exiting.
      inspector.close();
      await gateway.stop();
      await upstream.stop();
    },
  };
}

export interface MemorySample {
  label: string;
  /** Exchanges sent so far. */
  sent: number;
  /** Resident memory as found, mid-use. */
  rssMb: number;
  /** Resident memory right after a full garbage collection. */
  settledRssMb: number;
  /** What the heap still holds after that collection, with memory held outside it (Buffers). */
  liveMb: number;
}

export interface SoakReport {
  counts: SoakCounts;
  samples: MemorySample[];
  /** Resident memory after a full collection: before any traffic, and after an idle pause following the first batch (the warm-up) and the last. */
  startMb: number;
  warmedMb: number;
  endMb: number;
  /** The process's high-water mark (VmHWM), garbage included. */
  peakMb: number;
  /** From the idle sample after the middle batch to the one at the end: resident and live memory. */
  secondHalfGrowthMb: number;
  secondHalfLiveGrowthMb: number;
  /** Live memory gained per exchange over the second half. */
  secondHalfLiveBytesPerExchange: number;
  /** Live memory after the warm-up and at the end, both after an idle pause. */
  warmedLiveMb: number;
  endLiveMb: number;
  /** Answers that were not a complete 200, with a few examples. */
  failures: number;
  failureExamples: string[];
  /** Aborted streams that had an upstream call, and how many of those calls the gateway closed early. */
  upstreamAborted: number;
  upstreamCancelled: number;
  seconds: number;
}

type Exchange = 'complete' | 'stream' | 'abort';

interface Job {
  exchange: Exchange;
  path: '/v1/chat/completions' | '/v1/messages';
  model: string;
}

/**
 * The traffic, rotating over each list: built-in mock models (no upstream) and `openai/...` ones
 * that go through the undici client to the local OpenAI mock, on both public APIs. Aborted
 * `openai/hang-midstream` streams leave an upstream call open that only the gateway's
 * cancellation closes.
 */
const jobsByExchange: Record<Exchange, Job[]> = {
  complete: [
    { exchange: 'complete', path: '/v1/chat/completions', model: 'mock/echo' },
    { exchange: 'complete', path: '/v1/chat/completions', model: 'openai/gpt-4o-mini' },
    { exchange: 'complete', path: '/v1/messages', model: 'mock/lorem-20' },
    { exchange: 'complete', path: '/v1/messages', model: 'openai/gpt-4o-mini' },
  ],
  stream: [
    { exchange: 'stream', path: '/v1/chat/completions', model: 'mock/lorem-50' },
    { exchange: 'stream', path: '/v1/chat/completions', model: 'openai/gpt-4o-mini' },
    { exchange: 'stream', path: '/v1/messages', model: 'openai/gpt-4o-mini' },
  ],
  abort: [
    { exchange: 'abort', path: '/v1/chat/completions', model: 'mock/lorem-5000' },
    { exchange: 'abort', path: '/v1/chat/completions', model: 'openai/hang-midstream' },
    { exchange: 'abort', path: '/v1/messages', model: 'mock/lorem-5000' },
  ],
};

const countOf: Record<Exchange, 'requests' | 'streams' | 'abortedStreams'> = { complete: 'requests', stream: 'streams', abort: 'abortedStreams' };

/** A batch's jobs, each kind spread evenly over it so streams and aborts overlap plain requests. */
function batchJobs(counts: SoakCounts, batch: number): Job[] {
  const spread = (Object.keys(jobsByExchange) as Exchange[]).flatMap((exchange) => {
    const total = counts[countOf[exchange]];
    const n = Math.floor(total / counts.batches) + (batch < total % counts.batches ? 1 : 0);
    const kinds = jobsByExchange[exchange];
    return Array.from({ length: n }, (_, i) => ({ job: kinds[(batch * n + i) % kinds.length] as Job, at: (i + 0.5) / n }));
  });
  return spread.sort((a, b) => a.at - b.at).map(({ job }) => job);
}

function requestBody(job: Job): string {
  const messages = [{ role: 'user', content: 'Say hello to the soak test.' }];
  const stream = job.exchange !== 'complete';
  if (job.path === '/v1/messages') return JSON.stringify({ model: job.model, max_tokens: 64, messages, stream });
  return JSON.stringify({ model: job.model, messages, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) });
}

/** Whether `text` ends as a whole answer does, per API and mode. */
function isWhole(job: Job, text: string): boolean {
  if (job.exchange === 'complete') return job.path === '/v1/messages' ? text.includes('"end_turn"') : text.includes('"finish_reason":"stop"');
  return job.path === '/v1/messages' ? text.includes('event: message_stop') : text.trimEnd().endsWith('data: [DONE]');
}

/** A process's resident memory (or its high-water mark) in MB, from /proc. */
export function residentMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no ${field} for process ${pid}`);
  return Number(kb) / 1024;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/**
 * Sends `counts` of traffic to the target over `counts.concurrency` keep-alive connections and
 * samples its memory before, after each batch and after an idle pause at the end.
 */
export async function runMemorySoak(
  { gateway, upstream, inspector }: SoakTarget,
  counts: SoakCounts,
  options: { idleMs?: number; onSample?: (sample: MemorySample) => void } = {},
): Promise<SoakReport> {
  const started = performance.now();
  const pool = new Pool(gateway.url, { connections: counts.concurrency, keepAliveTimeout: 60_000 });
  const headers = { authorization: `Bearer ${gateway.apiKey}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
  const samples: MemorySample[] = [];
  const failureExamples: string[] = [];
  let failures = 0;
  let sent = 0;
  let upstreamAborted = 0;
  const upstreamClosedBefore = upstream.closedEarly.length;

  const sample = async (label: string): Promise<MemorySample> => {
    const rssMb = residentMb(gateway.pid);
    await inspector.collectGarbage();
    const usage = await inspector.memoryUsage();
    const taken = { label, sent, rssMb, settledRssMb: residentMb(gateway.pid), liveMb: mb(usage.heapUsed + usage.external) };
    samples.push(taken);
    options.onSample?.(taken);
    return taken;
  };

  const send = async (job: Job): Promise<void> => {
    const { statusCode, body } = await pool.request({ path: job.path, method: 'POST', headers, body: requestBody(job) });
    if (job.exchange === 'abort') {
      // Leaving once the first chunk is in closes the connection mid-stream.
      for await (const _chunk of body) break;
      if (statusCode !== 200) throw new Error(`${job.path} ${job.model}: ${statusCode}`);
      return;
    }
    const text = await body.text();
    if (statusCode !== 200 || !isWhole(job, text)) throw new Error(`${job.path} ${job.model}: ${statusCode} ${text.slice(0, 200)}`);
  };

  const runBatch = async (jobs: Job[]) => {
    let next = 0;
    const worker = async () => {
      for (let job = jobs[next++]; job; job = jobs[next++]) {
        if (job.exchange === 'abort' && job.model.startsWith('openai/')) upstreamAborted++;
        await send(job).catch((error: unknown) => {
          failures++;
          if (failureExamples.length < 5) failureExamples.push(error instanceof Error ? error.message : String(error));
        });
        sent++;
      }
    };
    await Promise.all(Array.from({ length: counts.concurrency }, worker));
  };

  try {
    // The figures compared are taken after an idle pause, once what the last requests left
    // behind (connections closing, usage waiting to be written) has gone.
    const idle = async (label: string) => {
      await sleep(options.idleMs ?? 2_000);
      return sample(label);
    };
    const first = await sample('start');
    let warmed = first;
    let middle = first;
    for (let batch = 0; batch < counts.batches; batch++) {
      await runBatch(batchJobs(counts, batch));
      await sample(`batch ${batch + 1}/${counts.batches}`);
      if (batch === 0) warmed = await idle('after warm-up, idle');
      else if (batch === Math.ceil(counts.batches / 2) - 1) middle = await idle('middle, idle');
    }
    const last = await idle('end, idle');
    return {
      counts,
      samples,
      startMb: first.settledRssMb,
      warmedMb: warmed.settledRssMb,
      endMb: last.settledRssMb,
      peakMb: residentMb(gateway.pid, 'VmHWM'),
      warmedLiveMb: warmed.liveMb,
      endLiveMb: last.liveMb,
      secondHalfGrowthMb: last.settledRssMb - middle.settledRssMb,
      secondHalfLiveGrowthMb: last.liveMb - middle.liveMb,
      secondHalfLiveBytesPerExchange: ((last.liveMb - middle.liveMb) * 1024 * 1024) / (last.sent - middle.sent),
      failures,
      failureExamples,
      upstreamAborted,
      upstreamCancelled: upstream.closedEarly.length - upstreamClosedBefore,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await pool.close();
  }
}

/** The report as `npm run soak` prints it. */
export function formatSoakReport(report: SoakReport): string {
  const figure = (value: number) => `${value.toFixed(1)} MB`;
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${figure(value)}`;
  const { counts } = report;
  return [
    `${counts.requests} requests, ${counts.streams} streams and ${counts.abortedStreams} streams left after their first chunk, ` +
      `${counts.concurrency} at a time, in ${counts.batches} batches (${report.seconds.toFixed(0)} s).`,
    `Failed: ${report.failures}${report.failureExamples.length ? ` (${report.failureExamples.join('; ')})` : ''}`,
    `Upstream calls closed when their client left: ${report.upstreamCancelled} of ${report.upstreamAborted}`,
    '',
    `  ${'sample'.padEnd(26)} ${'sent'.padStart(6)} ${'RSS in use'.padStart(11)} ${'RSS after GC'.padStart(13)} ${'live heap'.padStart(10)}`,
    ...report.samples.map(
      (s) => `  ${s.label.padEnd(26)} ${String(s.sent).padStart(6)} ${figure(s.rssMb).padStart(11)} ${figure(s.settledRssMb).padStart(13)} ${figure(s.liveMb).padStart(10)}`,
    ),
    '',
    `Resident memory (after GC): start ${figure(report.startMb)}, after warm-up ${figure(report.warmedMb)}, end ${figure(report.endMb)}; peak ${figure(report.peakMb)}`,
    `Live heap (after GC): after warm-up ${figure(report.warmedLiveMb)}, end ${figure(report.endLiveMb)}`,
    `Second half: resident ${signed(report.secondHalfGrowthMb)}, live ${signed(report.secondHalfLiveGrowthMb)} ` +
      `(${Math.round(report.secondHalfLiveBytesPerExchange)} bytes per exchange)`,
  ].join('\n');
}
