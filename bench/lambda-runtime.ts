import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { GCProfiler } from 'node:v8';

/**
 * A stand-in for Lambda's Node runtime (run as plain CommonJS, no tsx: see lambda-bench.ts):
 * defines the `awslambda` globals as the runtime interface client does (a streaming handler is
 * marked, `HttpResponseStream.from` writes the JSON prelude and eight zero bytes before the
 * body), loads the built bundle, and invokes its handler one event at a time as an instance
 * does, with a response stream and a context. Prints one JSON line of figures.
 *
 * Env: BUNDLE (the built index.js), EVENTS (JSON array of Function URL events, used in turn),
 * INVOCATIONS (after the first, cold one).
 */
const loadStarted = process.hrtime.bigint();
const cpuAtStart = process.cpuUsage();

class ResponseStream extends Writable {
  bytes = 0;
  head = '';
  prelude: { statusCode?: number } | undefined;
  cpuAtFinish: NodeJS.CpuUsage | undefined;
  finishedAt: bigint | undefined;
  beforeFirstWrite: (() => void) | undefined;

  constructor() {
    super();
    this.once('finish', () => {
      this.cpuAtFinish = process.cpuUsage();
      this.finishedAt = process.hrtime.bigint();
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    if (this.head.length < 2048) this.head += chunk.toString();
    callback();
  }
}

const streaming = Symbol.for('aws.lambda.runtime.handler.streaming');
(globalThis as { awslambda?: unknown }).awslambda = {
  streamifyResponse<T extends object>(handler: T): T {
    Object.defineProperty(handler, streaming, { value: 'response' });
    return handler;
  },
  HttpResponseStream: {
    from(stream: ResponseStream, prelude: { statusCode?: number }): ResponseStream {
      stream.prelude = prelude;
      // The runtime sends the prelude, then eight zero bytes, then the body.
      const write = stream.write.bind(stream);
      let first = true;
      stream.write = ((chunk: unknown, ...rest: never[]) => {
        if (first) {
          first = false;
          write(JSON.stringify(prelude));
          write(new Uint8Array(8));
        }
        return write(chunk as Buffer, ...rest);
      }) as ResponseStream['write'];
      return stream;
    },
  },
};

type Handler = (event: unknown, stream: ResponseStream, context: object) => Promise<void>;

function context(): object {
  const deadline = Date.now() + 900_000;
  return {
    awsRequestId: randomUUID(),
    functionName: 'switchboard-router',
    functionVersion: '$LATEST',
    memoryLimitInMB: '512',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:switchboard-router',
    logGroupName: '/aws/lambda/switchboard-router',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

async function invoke(handler: Handler, event: unknown): Promise<ResponseStream> {
  const stream = new ResponseStream();
  await handler(event, stream, context());
  if (!stream.writableFinished) await new Promise((resolve) => stream.once('finish', resolve));
  const status = stream.prelude?.statusCode ?? 200;
  if (status !== 200) throw new Error(`status ${status}: ${stream.head.slice(0, 500)}`);
  return stream;
}

const micros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

async function main(): Promise<void> {
  const events = JSON.parse(process.env.EVENTS ?? '[]') as unknown[];
  const invocations = Number(process.env.INVOCATIONS ?? 200);
  const { handler } = require(String(process.env.BUNDLE)) as { handler: Handler };
  const loaded = process.hrtime.bigint();
  const cpuLoaded = process.cpuUsage(cpuAtStart);
  const first = await invoke(handler, events[0]);
  const cold = {
    loadMs: Number(loaded - loadStarted) / 1e6,
    firstResponseMs: Number((first.finishedAt ?? process.hrtime.bigint()) - loadStarted) / 1e6,
    loadCpuMs: micros(cpuLoaded) / 1000,
    firstResponseCpuMs: micros(first.cpuAtFinish ?? process.cpuUsage()) / 1000 - micros(cpuAtStart) / 1000,
  };
  // Warm-up, so the figures below are an instance's steady state.
  for (let i = 0; i < 20; i++) await invoke(handler, events[i % events.length]);

  const profiler = new GCProfiler();
  profiler.start();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  let toResponseEnd = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < invocations; i++) {
    const cpu = process.cpuUsage();
    const stream = await invoke(handler, events[i % events.length]);
    toResponseEnd += micros(stream.cpuAtFinish ?? process.cpuUsage()) - micros(cpu);
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuUsed = process.cpuUsage(cpuBefore);
  const cpu = micros(cpuUsed);
  const heapAfter = process.memoryUsage().heapUsed;
  const gc = profiler.stop();
  // Allocated = what the collections freed plus what the heap grew by.
  const freed = gc.statistics.reduce((sum, entry) => sum + Math.max(0, entry.beforeGC.heapStatistics.usedHeapSize - entry.afterGC.heapStatistics.usedHeapSize), 0);
  const gcMicros = gc.statistics.reduce((sum, entry) => sum + entry.cost, 0);
  console.log(
    JSON.stringify({
      cold,
      warm: {
        invocations,
        wallMsPerInvocation: wallMs / invocations,
        cpuMicrosPerInvocation: cpu / invocations,
        cpuMicrosToResponseEnd: toResponseEnd / invocations,
        systemCpuMicrosPerInvocation: cpuUsed.system / invocations,
        allocatedKiBPerInvocation: (freed + heapAfter - heapBefore) / 1024 / invocations,
        gcPerInvocation: gc.statistics.length / invocations,
        gcMicrosPerInvocation: gcMicros / invocations,
        heapUsedMiB: heapAfter / 1024 / 1024,
        rssMiB: process.memoryUsage().rss / 1024 / 1024,
      },
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
