import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { billingPeriod } from '../../lambdas/core/accounting/periods.js';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';

// Random mixes of concurrent requests from several capped keys, against an upstream that
// answers, fails, or cuts or truncates streams after their first token; some clients leave
// midway. After each mix: no key spent past its limit, and each key's spend, its usage rows and
// the costs its clients were told agree to the micro-dollar.
const upstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({ OPENAI_BASE_URL: await upstream.start(), SWITCHBOARD_HEADERS_TIMEOUT_MS: '5000' });
  manage = manageClient(gateway.url);
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

const outcomes = ['answers', 'fails', 'cut upstream', 'truncated upstream', 'client leaves'] as const;
const requestArbitrary = fc.record({
  key: fc.nat({ max: 2 }),
  outcome: fc.constantFrom(...outcomes),
  stream: fc.boolean(),
  n: fc.integer({ min: 1, max: 3 }),
  maxTokens: fc.integer({ min: 1, max: 400 }),
  words: fc.integer({ min: 1, max: 300 }),
});
type Planned = typeof requestArbitrary extends fc.Arbitrary<infer T> ? T : never;

interface Result {
  key: number;
  status: number;
  /** Micro-dollars the client was told, when it was told. */
  reported: number | undefined;
  /** Whether the answer was cut before its usage (charged an estimate). */
  cut: boolean;
}

const micros = (dollars: unknown) => Math.round(Number(dollars) * 1e6);

async function send(planned: Planned, keys: readonly string[]): Promise<Result> {
  const behaviour = {
    answers: '',
    fails: 'behave:error-500',
    'cut upstream': 'behave:reset-midstream',
    // Ends without `data: [DONE]`: as cut as a reset, however well-formed.
    'truncated upstream': 'behave:truncated',
    'client leaves': '',
  }[planned.outcome];
  const stream = planned.stream || ['client leaves', 'cut upstream', 'truncated upstream'].includes(planned.outcome);
  const controller = new AbortController();
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys[planned.key]}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: `${'word '.repeat(planned.words)}${behaviour}` }],
      max_tokens: planned.maxTokens,
      n: planned.n,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    }),
    signal: controller.signal,
  });
  const base = { key: planned.key, status: response.status };
  if (response.status !== 200) return { ...base, reported: undefined, cut: false, ...(response.status === 402 || response.status === 500 ? {} : { body: await response.text() }) };
  if (!stream) return { ...base, reported: micros(((await response.json()) as { usage: { cost: number } }).usage.cost), cut: false };
  if (planned.outcome === 'client leaves') {
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    await reader?.cancel().catch(() => undefined);
    return { ...base, reported: undefined, cut: true };
  }
  const text = await response.text();
  const costs = [...text.matchAll(/"cost":([0-9.e-]+)/g)].map((match) => micros(match[1]));
  return { ...base, reported: costs.at(-1), cut: costs.length === 0 };
}

async function keyWithLimit(dollars: number): Promise<{ id: string; key: string }> {
  const created = await manage('POST', '/apikey', { name: 'property', monthly_limit: dollars });
  return { id: String(created.json.id), key: String(created.json.key) };
}

describe('money under random concurrent traffic', () => {
  it('never passes a limit, and spend, usage rows and reported costs agree per key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 300, max: 3_000 }), { minLength: 3, maxLength: 3 }),
        fc.array(requestArbitrary, { minLength: 10, maxLength: 30 }),
        async (limits, planned) => {
          const keys = await Promise.all(limits.map((limit) => keyWithLimit(limit / 1e6)));
          const started = Date.now();
          const results = await Promise.all(planned.map((request) => send(request, keys.map((key) => key.key))));
          expect(results.filter((result) => ![200, 402, 500].includes(result.status))).toEqual([]);
          const period = billingPeriod(started).id;
          // Streams whose clients left are settled once the gateway notices: wait until nothing is held.
          const totals = await vi.waitFor(
            async () => {
              const read = await gateway.deps.usage.totals(keys.map((key) => ({ owner: `key#${key.id}`, period })));
              expect(read.map((total) => total.committed)).toEqual(read.map((total) => total.spent));
              return read;
            },
            { timeout: 15_000, interval: 100 },
          );
          for (const [index, key] of keys.entries()) {
            const spent = totals[index]?.spent ?? 0;
            expect(spent).toBeLessThanOrEqual(limits[index] ?? 0);
            let rows = 0;
            for await (const row of gateway.deps.usage.usage(key.id, started - 3_600_000, Date.now() + 3_600_000)) rows += row.cost;
            expect(rows).toBe(spent);
            const mine = results.filter((result) => result.key === index && result.status === 200);
            const reported = mine.reduce((sum, result) => sum + (result.reported ?? 0), 0);
            if (mine.some((result) => result.cut)) expect(spent).toBeGreaterThanOrEqual(reported);
            else expect(spent).toBe(reported);
          }
        },
      ),
      { numRuns: 8, seed: 20261203 },
    );
  }, 120_000);
});
