import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  concurrency: number;
  durationMs: number;
  /** Measure to the first body byte (time to first token) instead of to the end. */
  firstByte: boolean;
}

/** Closed-loop load: `concurrency` workers each send the next request when one completes. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, { connections: options.concurrency, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  let errors = 0;
  const send = async (): Promise<void> => {
    const started = process.hrtime.bigint();
    const { statusCode, body } = await pool.request({
      path: options.path,
      method: 'POST',
      headers: options.headers,
      body: options.body,
    });
    let elapsed: bigint | undefined;
    for await (const _chunk of body) elapsed ??= process.hrtime.bigint() - started;
    if (!options.firstByte) elapsed = process.hrtime.bigint() - started;
    if (statusCode !== 200) errors++;
    latencies.push(Number(elapsed ?? 0n) / 1e6);
  };

  // Warm up connections and caches before measuring.
  await Promise.all(Array.from({ length: options.concurrency }, () => send()));
  latencies.length = 0;
  errors = 0;

  const started = performance.now();
  const deadline = started + options.durationMs;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) await send().catch(() => void errors++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { requests: latencies.length, errors, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}
