import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** With `firstToken`: the p50 time until the body carried it. */
  p50FirstTokenMs?: number;
}

export interface LoadOptions {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  concurrency: number;
  durationMs: number;
  /** Measure to the first body byte instead of to the end. */
  firstByte: boolean;
  /**
   * Also measure the time until the body carries this text: a stream's first token, which a
   * gateway that holds back the role announcement until the first token sends as its first byte.
   */
  firstToken?: string;
}

/** Closed-loop load: `concurrency` workers each send the next request when one completes. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, { connections: options.concurrency, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  const tokenLatencies: number[] = [];
  const token = options.firstToken === undefined ? undefined : Buffer.from(options.firstToken);
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
    let tokenAt: bigint | undefined;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      elapsed ??= process.hrtime.bigint() - started;
      if (token && tokenAt === undefined && chunk.includes(token)) tokenAt = process.hrtime.bigint() - started;
    }
    if (!options.firstByte) elapsed = process.hrtime.bigint() - started;
    if (statusCode !== 200) errors++;
    latencies.push(Number(elapsed ?? 0n) / 1e6);
    if (tokenAt !== undefined) tokenLatencies.push(Number(tokenAt) / 1e6);
  };

  // Warm up connections and caches before measuring.
  await Promise.all(Array.from({ length: options.concurrency }, () => send()));
  latencies.length = 0;
  tokenLatencies.length = 0;
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
  const at = (values: number[], q: number) => values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? Number.NaN;
  return {
    requests: latencies.length,
    errors,
    perSecond: latencies.length / seconds,
    p50Ms: at(latencies, 0.5),
    p99Ms: at(latencies, 0.99),
    ...(token ? { p50FirstTokenMs: at(tokenLatencies, 0.5) } : {}),
  };
}
