import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureErrorFailover, measureHangFailover } from './failover.js';
import { measureLambdaBundle } from './lambda-bench.js';
import { routerMemoryMb } from '../lib/lambda-entries.js';
import { runLoad, type LoadResult } from './load.js';
import { requestLogCpuMicros } from './request-log-cpu.js';

/**
 * `npm run bench`: direct-to-upstream, a bare pass-through proxy and the gateway, measured in one
 * run on this machine; the gateway is reported as ratios to the baselines.
 */
const durationMs = Number(process.env.BENCH_SECONDS ?? 3) * 1000;
/** `BENCH_ONLY=accounting,failover` runs only those sections (latency, translation, native-messages, accounting, request-log, failover, lambda). */
const sections = process.env.BENCH_ONLY?.split(',');
const runs = (section: string) => !sections || sections.includes(section);
/** Tokens per bench stream; the upstream reads the same variable. */
const streamChunks = Number(process.env.STREAM_CHUNKS ?? 20);
const key = 'sb-bench-key-0000000000000000000000000000000';
const adminKey = 'sb-bench-admin-00000000000000000000000000000';
const headersTimeoutMs = 500;

interface Target {
  name: string;
  server: Server;
  path: string;
  headers: Record<string, string>;
  model: string;
  /** Measured for JSON answers only. */
  jsonOnly?: boolean;
}

const children: ChildProcess[] = [];

/** CPU seconds a process has used so far (user + system), from /proc; NaN where there is none. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Server {
  origin: string;
  pid: number | undefined;
  /** Other ports the process printed as NAME_PORT=n. */
  extraPorts: Record<string, string>;
}

function startProcess(script: string, env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /(?:^|\n)PORT=(\d+)/.exec(output)?.[1];
      const extraPorts = Object.fromEntries([...output.matchAll(/(\w+)_PORT=(\d+)/g)].map((match) => [match[1], match[2]]));
      if (port) resolve({ origin: `http://127.0.0.1:${port}`, pid: child.pid, extraPorts });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** A process and all its descendants (the gateway runs DynamoDB Local as a child), from /proc. */
function processTree(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  let children: number[] = [];
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    children = tasks.flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    children = [];
  }
  return [pid, ...children.flatMap(processTree)];
}

function stopAll(): void {
  for (const child of children) child.kill('SIGTERM');
}

const format = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

interface Measurement extends LoadResult {
  /** CPU the serving process spent per request; the steadiest figure on a shared machine. */
  cpuMicros: number;
}

function row(name: string, result: Measurement): string {
  const token = result.p50FirstTokenMs === undefined ? '' : `   first token p50 ${format(result.p50FirstTokenMs).padStart(6)} ms`;
  return `  ${name.padEnd(16)} ${format(result.perSecond, 0).padStart(8)} req/s   p50 ${format(result.p50Ms).padStart(6)} ms   p99 ${format(result.p99Ms).padStart(6)} ms   ${format(result.cpuMicros, 0).padStart(5)} µs CPU/req${token}${result.errors ? `   ERRORS ${result.errors}` : ''}`;
}

/**
 * What usage accounting costs on the hot path: the whole local gateway with and without
 * accounting (as `npm start` runs it); and the router core with no accounting; with a key
 * without limits, its usage written every 50 ms (`npm start`), after each response (Lambda;
 * concurrent writes group-committed) or before each response ends (`sync`); and with a capped
 * key, which adds a reservation before the provider is called. DynamoDB Local runs on this
 * machine, so its CPU is shown apart: on AWS that work is DynamoDB's, not the Lambda's.
 */
async function measureAccounting(gateway: Server, json: Record<string, string>): Promise<void> {
  const created = await fetch(`${gateway.origin}/v1/manage/apikey`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, ...json },
    body: JSON.stringify({ name: 'bench capped', monthly_limit: 1_000_000 }),
  });
  const cappedKey = String(((await created.json()) as { key?: string }).key);
  const core = (port: string | undefined) => `http://127.0.0.1:${port}`;
  const variants = [
    { name: 'gateway, none', origin: core(gateway.extraPorts.GATEWAY_UNCOUNTED), key },
    { name: 'gateway', origin: gateway.origin, key },
    { name: 'uncounted', origin: core(gateway.extraPorts.UNCOUNTED), key },
    { name: 'every 50 ms', origin: core(gateway.extraPorts.CORE), key },
    { name: 'after response', origin: core(gateway.extraPorts.AFTER), key },
    { name: 'sync', origin: core(gateway.extraPorts.SYNC), key },
    { name: 'capped, 50 ms', origin: core(gateway.extraPorts.CORE), key: cappedKey },
    { name: 'capped, after', origin: core(gateway.extraPorts.AFTER), key: cappedKey },
  ];
  for (const concurrency of [1, 16]) {
    console.log(`Accounting (non-streaming, concurrency ${concurrency}; mean of two interleaved rounds)`);
    const results = await measureVariants(gateway, variants, json, concurrency);
    for (const { name } of variants) {
      const baseline = results.get(name.startsWith('gateway') ? 'gateway, none' : 'uncounted');
      const counted = results.get(name);
      if (!baseline || !counted || counted === baseline) continue;
      console.log(
        `  → ${name}: throughput ${format((100 * counted.perSecond) / baseline.perSecond, 0)}% of the same without accounting ` +
          `(loss ${format(100 - (100 * counted.perSecond) / baseline.perSecond, 0)}%; target < 10%), adds ${format(counted.p50Ms - baseline.p50Ms, 3)} ms p50, ` +
          `router CPU ${format(counted.cpuMicros - baseline.cpuMicros, 0)} µs/req more`,
      );
    }
    console.log('');
  }
}

interface Variant {
  name: string;
  origin: string;
  key: string;
}

type VariantResult = Measurement & { databaseMicros: number };

/**
 * Each variant under the same non-streaming load, in two rounds (the second in reverse order,
 * so drift on a shared machine falls on all alike); the mean of the rounds, printed as it goes.
 */
async function measureVariants(gateway: Server, variants: readonly Variant[], json: Record<string, string>, concurrency: number): Promise<Map<string, VariantResult>> {
  const rounds = new Map<string, VariantResult[]>();
  for (let round = 0; round < 2; round++) {
    for (const variant of round === 0 ? variants : [...variants].reverse()) {
      // DynamoDB Local (a JVM) finishes the previous variant's work (and its garbage) first.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const [gatewayPid, ...databasePids] = processTree(gateway.pid);
      const databaseCpu = () => databasePids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
      const cpuBefore = cpuSeconds(gatewayPid);
      const databaseBefore = databaseCpu();
      const load = await runLoad({
        origin: variant.origin,
        path: '/v1/chat/completions',
        headers: { ...json, authorization: `Bearer ${variant.key}` },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 16 }),
        concurrency,
        durationMs,
        firstByte: false,
      });
      const result = {
        ...load,
        cpuMicros: ((cpuSeconds(gatewayPid) - cpuBefore) * 1e6) / load.requests,
        databaseMicros: ((databaseCpu() - databaseBefore) * 1e6) / load.requests,
      };
      rounds.set(variant.name, [...(rounds.get(variant.name) ?? []), result]);
    }
  }
  const results = new Map<string, VariantResult>();
  for (const { name } of variants) {
    const runs = rounds.get(name) ?? [];
    const mean = (pick: (run: VariantResult) => number) => runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
    const result = {
      requests: mean((run) => run.requests),
      errors: mean((run) => run.errors),
      perSecond: mean((run) => run.perSecond),
      p50Ms: mean((run) => run.p50Ms),
      p99Ms: mean((run) => run.p99Ms),
      cpuMicros: mean((run) => run.cpuMicros),
      databaseMicros: mean((run) => run.databaseMicros),
    };
    results.set(name, result);
    console.log(`${row(name, result)}   + ${format(result.databaseMicros, 0).padStart(5)} µs DynamoDB Local CPU/req`);
  }
  return results;
}

/**
 * What the request log costs on the hot path: the router core (usage not counted, so only the
 * log differs) with no log, with the local JSON-lines files (as `npm start`), and with the
 * Firehose sink flushed after each response as on Lambda (its PutRecordBatch answered at once:
 * what is measured is the router's work, not the network's).
 */
async function measureRequestLog(gateway: Server, json: Record<string, string>): Promise<void> {
  const core = (port: string | undefined) => `http://127.0.0.1:${port}`;
  const variants = [
    { name: 'no log', origin: core(gateway.extraPorts.LOG_NONE), key },
    { name: 'log to files', origin: core(gateway.extraPorts.LOG_FILES), key },
    { name: 'log to Firehose', origin: core(gateway.extraPorts.LOG_FIREHOSE), key },
  ];
  for (const concurrency of [1, 16]) {
    console.log(`Request log (non-streaming, concurrency ${concurrency}; mean of two interleaved rounds)`);
    const results = await measureVariants(gateway, variants, json, concurrency);
    const baseline = results.get('no log');
    for (const name of ['log to files', 'log to Firehose']) {
      const logged = results.get(name);
      if (!baseline || !logged) continue;
      console.log(
        `  → ${name}: throughput ${format((100 * logged.perSecond) / baseline.perSecond, 0)}% of the same without a log ` +
          `(loss ${format(100 - (100 * logged.perSecond) / baseline.perSecond, 0)}%; target < 3%), ` +
          `router CPU ${format(logged.cpuMicros - baseline.cpuMicros, 0)} µs/req more (target < 20 µs)`,
      );
    }
    console.log('');
  }
  // The same cost as CPU time in one process, which a busy machine slows without skewing.
  const baseline = (await measureVariants(gateway, variants.slice(0, 1), json, 16)).get('no log');
  const own = await requestLogCpuMicros();
  for (const [name, micros] of [['files', own.files], ['Firehose', own.firehose]] as const) {
    console.log(
      `  → the log's whole CPU, to ${name}: ${format(micros, 1)} µs per request (target < 20 µs), ` +
        `${format((100 * micros) / (baseline?.cpuMicros ?? Number.NaN), 1)}% of the router's ${format(baseline?.cpuMicros ?? Number.NaN, 0)} µs per request: ` +
        `the throughput it costs a CPU-bound router (target < 3%)`,
    );
  }
  console.log('');
}

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));

async function main(): Promise<void> {
  const upstream = await startProcess('./upstream-server.ts', {});
  const bare = await startProcess('./bare-proxy.ts', { UPSTREAM_ORIGIN: upstream.origin });
  const gateway = await startProcess('./gateway-server.ts', {
    OPENAI_BASE_URL: `${upstream.origin}/v1`,
    ANTHROPIC_BASE_URL: upstream.origin,
    OPENAI_API_KEY: 'sk-bench',
    SWITCHBOARD_DEV_KEY: key,
    SWITCHBOARD_ADMIN_KEY: adminKey,
    // The request log's files: a folder of the run's own, removed after it.
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_HEADERS_TIMEOUT_MS: String(headersTimeoutMs),
    // Failover is what is measured here, so the circuit breaker must never skip the primary.
    SWITCHBOARD_BREAKER_THRESHOLD: '1000000000',
  });
  const json = { 'content-type': 'application/json' };
  const targets: Target[] = [
    { name: 'direct', server: upstream, path: '/v1/chat/completions', headers: json, model: 'gpt-bench' },
    { name: 'bare proxy', server: bare, path: '/v1/chat/completions', headers: json, model: 'gpt-bench' },
    {
      name: 'gateway',
      server: gateway,
      path: '/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${key}` },
      model: 'openai/gpt-bench',
    },
    {
      name: 'core only',
      server: { ...gateway, origin: `http://127.0.0.1:${gateway.extraPorts.CORE}` },
      path: '/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${key}` },
      model: 'openai/gpt-bench',
    },
    // SWITCHBOARD_UPSTREAM_JSON: the provider asked for its JSON answer, which is passed on.
    {
      name: 'gateway, JSON',
      server: { ...gateway, origin: `http://127.0.0.1:${gateway.extraPorts.GATEWAY_JSON}` },
      path: '/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${key}` },
      model: 'openai/gpt-bench',
      jsonOnly: true,
    },
    {
      name: 'core, JSON',
      server: { ...gateway, origin: `http://127.0.0.1:${gateway.extraPorts.CORE_JSON}` },
      path: '/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${key}` },
      model: 'openai/gpt-bench',
      jsonOnly: true,
    },
  ];
  const body = (model: string, stream: boolean) =>
    JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 16 });

  console.log(`Switchboard bench: ${durationMs / 1000}s per measurement, loopback, mock upstream.\n`);
  // Every path run hot before it is measured, as a long-running server's are: the first seconds
  // of a process are spent compiling (JIT), which would fall on whichever path comes first.
  for (const target of targets) {
    for (const stream of target.jsonOnly ? [false] : [false, true]) {
      await runLoad({ origin: target.server.origin, path: target.path, headers: target.headers, body: body(target.model, stream), concurrency: 16, durationMs: 2_000, firstByte: stream });
    }
  }
  for (const [label, stream, concurrencies] of runs('latency')
    ? ([
        ['Non-streaming (full response)', false, [1, 16, 64]],
        ['Streaming (time to first byte, and to the first token)', true, [1, 16]],
      ] as const)
    : []) {
    console.log(label);
    for (const concurrency of concurrencies) {
      console.log(` concurrency ${concurrency}`);
      const results = new Map<string, Measurement>();
      for (const target of targets.filter((candidate) => !stream || !candidate.jsonOnly)) {
        const cpuBefore = cpuSeconds(target.server.pid);
        const load = await runLoad({
          origin: target.server.origin,
          path: target.path,
          headers: target.headers,
          body: body(target.model, stream),
          concurrency,
          durationMs,
          firstByte: stream,
          // The bench upstream's first token; the bare proxy's first byte is the role announcement before it.
          ...(stream ? { firstToken: 'token0' } : {}),
        });
        const result = { ...load, cpuMicros: ((cpuSeconds(target.server.pid) - cpuBefore) * 1e6) / load.requests };
        results.set(target.name, result);
        console.log(row(target.name, result));
      }
      const direct = results.get('direct');
      const proxy = results.get('bare proxy');
      for (const name of ['gateway', 'core only', 'gateway, JSON', 'core, JSON']) {
        const gw = results.get(name);
        if (!direct || !proxy || !gw) continue;
        console.log(
          `  → ${name}: adds ${format(gw.p50Ms - proxy.p50Ms, 3)} ms p50 / ${format(gw.p99Ms - proxy.p99Ms, 3)} ms p99 over the bare proxy ` +
            `(${format(gw.p50Ms - direct.p50Ms, 3)} ms p50 over direct); throughput ${format((100 * gw.perSecond) / proxy.perSecond, 0)}% of the bare proxy, ` +
            `${format((100 * gw.perSecond) / direct.perSecond, 0)}% of direct; CPU per request ${format(gw.cpuMicros / proxy.cpuMicros)}x the bare proxy's` +
            (gw.p50FirstTokenMs === undefined || proxy.p50FirstTokenMs === undefined
              ? ''
              : `; adds ${format(gw.p50FirstTokenMs - proxy.p50FirstTokenMs, 3)} ms p50 to the first token`),
        );
      }
    }
    console.log('');
  }

  if (runs('translation')) await measureTranslation(gateway, json, body);
  if (runs('native-messages')) await measureNativeMessages(gateway, json, body);
  if (runs('accounting')) await measureAccounting(gateway, json);
  if (runs('request-log')) await measureRequestLog(gateway, json);
  if (runs('failover')) await measureFailover(gateway, upstream);
  if (runs('lambda')) await measureLambda(gateway, upstream);
}

async function measureTranslation(gateway: Server, json: Record<string, string>, body: (model: string, stream: boolean) => string): Promise<void> {
  console.log(`Streamed translation (whole streams of ${streamChunks} tokens, concurrency 16)`);
  const translation = new Map<string, Measurement>();
  for (const model of ['openai/gpt-bench', 'anthropic/claude-bench']) {
    const cpuBefore = cpuSeconds(gateway.pid);
    const load = await runLoad({
      origin: gateway.origin,
      path: '/v1/chat/completions',
      headers: { ...json, authorization: `Bearer ${key}` },
      body: body(model, true),
      concurrency: 16,
      durationMs,
      firstByte: false,
    });
    const result = { ...load, cpuMicros: ((cpuSeconds(gateway.pid) - cpuBefore) * 1e6) / load.requests };
    translation.set(model, result);
    console.log(row(model.startsWith('openai') ? 'pass-thru' : 'anthropic', result));
  }
  const passThrough = translation.get('openai/gpt-bench');
  const translated = translation.get('anthropic/claude-bench');
  if (passThrough && translated) {
    console.log(
      `  → Anthropic→OpenAI translation: ${format((translated.cpuMicros - passThrough.cpuMicros) / streamChunks)} µs CPU per chunk over ` +
        `OpenAI pass-through (${format(translated.cpuMicros / passThrough.cpuMicros)}x its CPU per stream; throughput ` +
        `${format((100 * translated.perSecond) / passThrough.perSecond, 0)}%)\n`,
    );
  }
}

/**
 * The Anthropic-native /v1/messages path (Anthropic's events passed through, only the control
 * events read) against the OpenAI pass-through on /v1/chat/completions: the same streams of
 * `streamChunks` tokens, CPU per request. Target: no more than the OpenAI pass-through.
 */
async function measureNativeMessages(gateway: Server, json: Record<string, string>, body: (model: string, stream: boolean) => string): Promise<void> {
  console.log(`Anthropic-native /v1/messages vs OpenAI pass-through (whole streams of ${streamChunks} tokens, concurrency 16)`);
  const paths = [
    { name: 'openai pass-thru', path: '/v1/chat/completions', body: body('openai/gpt-bench', true) },
    {
      name: 'anthropic native',
      path: '/v1/messages',
      body: JSON.stringify({ model: 'anthropic/claude-bench', stream: true, max_tokens: 16, messages: [{ role: 'user', content: 'Say hello in five words.' }] }),
    },
  ];
  const results = new Map<string, Measurement>();
  for (const { name, path, body: requestBody } of paths) {
    const cpuBefore = cpuSeconds(gateway.pid);
    const load = await runLoad({
      origin: gateway.origin,
      path,
      headers: { ...json, authorization: `Bearer ${key}`, 'anthropic-version': '2023-06-01' },
      body: requestBody,
      concurrency: 16,
      durationMs,
      firstByte: false,
    });
    const result = { ...load, cpuMicros: ((cpuSeconds(gateway.pid) - cpuBefore) * 1e6) / load.requests };
    results.set(name, result);
    console.log(row(name, result));
  }
  const openai = results.get('openai pass-thru');
  const native = results.get('anthropic native');
  if (openai && native) {
    console.log(
      `  → Anthropic native: ${format(native.cpuMicros / openai.cpuMicros)}x the OpenAI pass-through's CPU per request ` +
        `(target ≤ 1x); throughput ${format((100 * native.perSecond) / openai.perSecond, 0)}%\n`,
    );
  }
}

async function measureFailover(gateway: Server, upstream: Server): Promise<void> {
  console.log('Failover (streaming, concurrency 1)');
  for (const [name, primary] of [['after-500', 'openai/fail-500'], ['after-hang', 'openai/hang']] as const) {
    const created = await fetch(`${gateway.origin}/v1/manage/policy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, type: 'fallback', models: [{ model: primary }, { model: 'openai/gpt-bench' }] }),
    });
    if (created.status !== 201) throw new Error(`could not create policy ${name}: ${await created.text()}`);
  }
  const afterError = await measureErrorFailover(gateway.origin, upstream.origin, key, 'policy/after-500', 300);
  console.log(
    `  primary answers 500: its failure → the fallback's first byte at the client: p50 ${format(afterError.p50Ms)} ms, ` +
      `p99 ${format(afterError.p99Ms)} ms, max ${format(afterError.maxMs)} ms (${afterError.samples} requests; target p99 < 50 ms)`,
  );
  const afterHang = await measureHangFailover(gateway.origin, key, 'policy/after-hang', 5);
  console.log(
    `  primary hangs: request → the fallback's first byte: p50 ${format(afterHang.p50Ms)} ms, max ${format(afterHang.maxMs)} ms ` +
      `(response-head limit ${headersTimeoutMs} ms; detection overhead ${format(afterHang.maxMs - headersTimeoutMs)} ms at most)`,
  );
}

/** Lambda gives a function one vCPU at 1,769 MB, and CPU in proportion to memory below that. */
const megabytesPerVcpu = 1769;
/** The most CPU time the router may add to a response on Lambda: the added-latency goal (1 ms p50). */
const addedLatencyGoalMicros = 1000;

/**
 * The built router bundle invoked as Lambda invokes it (see lambda-bench.ts): cold start, and
 * per invocation CPU, allocations and GC; then the memory size the CPU figure calls for.
 */
async function measureLambda(gateway: Server, upstream: Server): Promise<void> {
  const processes = Number(process.env.BENCH_LAMBDA_PROCESSES ?? 5);
  const figures = await measureLambdaBundle({
    upstreamOrigin: upstream.origin,
    dynamoDbEndpoint: `http://127.0.0.1:${gateway.extraPorts.DYNAMODB}`,
    apiKey: key,
    processes,
    invocations: Number(process.env.BENCH_LAMBDA_INVOCATIONS ?? 300),
  });
  const { bundle, cold, warm } = figures;
  console.log(`Lambda-faithful router (built bundle, event in, response stream out; ${figures.processes} fresh processes, medians)`);
  console.log(`  bundle: ${format(bundle.bytes / 1024, 0)} KiB minified (source map ${format(bundle.mapBytes / 1024, 0)} KiB)`);
  console.log(
    `  cold start: bundle loaded in ${format(cold.loadMs, 1)} ms (${format(cold.loadCpuMs, 1)} ms CPU); first response, every client initialized, ` +
      `${format(cold.firstResponseMs, 1)} ms after loading began (${format(cold.firstResponseCpuMs, 1)} ms CPU)`,
  );
  for (const [name, figure] of [['non-streaming', warm.nonStreaming], ['streaming', warm.streaming]] as const) {
    console.log(
      `  ${name.padEnd(13)} ${format(figure.cpuMicrosPerInvocation, 0).padStart(5)} µs CPU/invocation (${format(figure.systemCpuMicrosPerInvocation, 0)} µs of it in the kernel; ` +
        `${format(figure.cpuMicrosToResponseEnd, 0)} µs until the response ended), ` +
        `${format(figure.wallMsPerInvocation, 2)} ms wall, ${format(figure.allocatedKiBPerInvocation, 0)} KiB allocated, ` +
        `${format(figure.gcPerInvocation, 3)} GCs (${format(figure.gcMicrosPerInvocation, 0)} µs), heap ${format(figure.heapUsedMiB, 0)} MiB, RSS ${format(figure.rssMiB, 0)} MiB`,
    );
  }
  const cpu = Math.max(warm.nonStreaming.cpuMicrosToResponseEnd, warm.streaming.cpuMicrosToResponseEnd);
  // Beyond one vCPU a single-threaded Node process gains nothing: that is the most the rule picks.
  const needed = Math.ceil((megabytesPerVcpu * cpu) / addedLatencyGoalMicros);
  const memory = Math.min(megabytesPerVcpu, needed);
  console.log(
    `  → memory: ${format(cpu, 0)} µs of CPU before the response ends takes ${format(cpu / 1000, 2)} ms on a full vCPU (${megabytesPerVcpu} MB); ` +
      (needed <= megabytesPerVcpu
        ? `within the ${addedLatencyGoalMicros / 1000} ms added-latency goal from ${memory} MB up`
        : `the ${addedLatencyGoalMicros / 1000} ms added-latency goal is out of reach at any size, so one full vCPU, ${memory} MB`) +
      ` (lib/router.ts routerMemoryMb: ${routerMemoryMb} MB)\n`,
  );
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});
main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });
