import { request } from 'undici';

export interface FailoverResult {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const wallClock = () => performance.timeOrigin + performance.now();

function summarize(values: number[]): FailoverResult {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? Number.NaN };
}

/** Sends one streaming request and resolves with the wall-clock time of its first body byte. */
async function firstByteAt(origin: string, key: string, model: string): Promise<number> {
  const { statusCode, body } = await request(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  let at = 0;
  for await (const _chunk of body) at ||= wallClock();
  if (statusCode !== 200) throw new Error(`failover request answered ${statusCode}`);
  return at;
}

/** From the primary's 500 leaving the upstream to the fallback's first byte reaching the client. */
export async function measureErrorFailover(origin: string, upstream: string, key: string, model: string, count: number) {
  const gaps: number[] = [];
  for (let i = 0; i < count; i++) {
    const arrived = await firstByteAt(origin, key, model);
    const { body } = await request(`${upstream}/last-failure`);
    gaps.push(arrived - Number(await body.text()));
  }
  return summarize(gaps.slice(Math.min(5, count - 1)));
}

/** From the request to the fallback's first byte, when the primary never answers. */
export async function measureHangFailover(origin: string, key: string, model: string, count: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = wallClock();
    times.push((await firstByteAt(origin, key, model)) - started);
  }
  return summarize(times);
}
