import { describe, expect, it } from 'vitest';
import { GatewayError, ProviderError, type ProviderErrorKind } from '../../../lambdas/core/errors.js';
import { CircuitBreaker } from '../../../lambdas/core/routing/circuit-breaker.js';
import { LatencyStats } from '../../../lambdas/core/routing/latency-stats.js';
import { runAttempts, type AttemptReport, type RunContext } from '../../../lambdas/core/routing/run-attempts.js';

/** A clock that only moves when the executor sleeps or a call takes time. */
function harness(overrides: Partial<RunContext> = {}) {
  const clock = { time: 0, now: () => clock.time };
  const sleeps: number[] = [];
  const calls: string[] = [];
  const reports: AttemptReport[] = [];
  const context: RunContext = {
    state: { breaker: new CircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000 }), latency: new LatencyStats() },
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.time += ms;
    },
    random: () => 0.5,
    mode: 'complete',
    deadlineAt: 60_000,
    onAttempt: (report) => reports.push(report),
    ...overrides,
  };
  return { clock, sleeps, calls, reports, context };
}

const failure = (kind: ProviderErrorKind, status: number, retryAfterMs?: number) =>
  new ProviderError({ provider: 'p', kind, status, message: `failed ${status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

/** Each model answers with the next scripted outcome: a value, or an error to throw. */
function scripted(script: Record<string, Array<string | Error>>, h: ReturnType<typeof harness>, callMs = 10) {
  return async ({ model }: { model: string }) => {
    h.calls.push(model);
    h.clock.time += callMs;
    const outcome = script[model]?.shift();
    if (outcome === undefined || outcome instanceof Error) throw outcome ?? new Error(`no script for ${model}`);
    return { value: outcome, firstByteAt: h.clock.now() };
  };
}

describe('runAttempts', () => {
  it('retries a retryable failure on the same model with exponential backoff, then succeeds', async () => {
    const h = harness();
    const outcome = await runAttempts(
      [{ model: 'a', retries: 3 }],
      scripted({ a: [failure('server', 500), failure('overloaded', 503), 'ok'] }, h),
      h.context,
    );
    expect(outcome).toEqual({ value: 'ok', model: 'a', attempts: 3, firstByteAt: h.clock.now() });
    expect(h.sleeps).toEqual([500, 1000]);
    // Each call is reported as it ends, for the request log: the failures with their status and code.
    expect(h.reports).toEqual([
      { model: 'a', status: 500, errorCode: expect.any(String), firstByteMs: undefined },
      { model: 'a', status: 503, errorCode: expect.any(String), firstByteMs: undefined },
      { model: 'a', status: 200, errorCode: undefined, firstByteMs: 10 },
    ]);
  });

  it('moves to the next model at once on a non-retryable failure', async () => {
    const h = harness();
    const outcome = await runAttempts(
      [{ model: 'a', retries: 5 }, { model: 'b', retries: 0 }],
      scripted({ a: [failure('bad_request', 400)], b: ['from b'] }, h),
      h.context,
    );
    expect(outcome).toMatchObject({ model: 'b', attempts: 2 });
    expect(h.sleeps).toEqual([]);
  });

  it('waits for a Retry-After shorter than the backoff, and moves on when it is longer', async () => {
    const h = harness();
    await runAttempts([{ model: 'a', retries: 1 }], scripted({ a: [failure('rate_limit', 429, 120), 'ok'] }, h), h.context);
    expect(h.sleeps).toEqual([120]);

    const later = harness();
    const outcome = await runAttempts(
      [{ model: 'a', retries: 3 }, { model: 'b', retries: 0 }],
      scripted({ a: [failure('rate_limit', 429, 30_000)], b: ['from b'] }, later),
      later.context,
    );
    expect(outcome.model).toBe('b');
    expect(later.sleeps).toEqual([]);
  });

  it('throws the last error, saying how many calls were made, when every model fails', async () => {
    const h = harness();
    const error = await runAttempts(
      [{ model: 'a', retries: 1 }, { model: 'b', retries: 0 }],
      scripted({ a: [failure('server', 500), failure('server', 502)], b: [failure('auth', 401)] }, h),
      h.context,
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 401, headers: { 'x-switchboard-attempts': '3' } });
  });

  it('skips a backoff that would pass the deadline and starts no attempt after it', async () => {
    const h = harness({ deadlineAt: 700 });
    const outcome = await runAttempts(
      [{ model: 'a', retries: 5 }, { model: 'b', retries: 0 }],
      scripted({ a: [failure('server', 500)], b: ['in time'] }, h, 300),
      h.context,
    );
    expect(outcome).toMatchObject({ model: 'b', attempts: 2 });
    expect(h.sleeps).toEqual([]);

    const late = harness({ deadlineAt: 250 });
    const error = await runAttempts(
      [{ model: 'a', retries: 0 }, { model: 'b', retries: 0 }],
      scripted({ a: [failure('server', 500)], b: ['too late'] }, late, 300),
      late.context,
    ).catch((thrown: unknown) => thrown);
    expect(late.calls).toEqual(['a']);
    expect(error).toMatchObject({ status: 500, headers: { 'x-switchboard-attempts': '1' } });
  });

  it('skips a model whose circuit is open while another is available, and records latency of the winner', async () => {
    const h = harness();
    for (let i = 0; i < 3; i++) h.context.state.breaker.recordFailure('a', 0);
    const outcome = await runAttempts(
      [{ model: 'a', retries: 0 }, { model: 'b', retries: 0 }],
      scripted({ a: ['never'], b: ['from b'] }, h, 42),
      h.context,
    );
    expect(outcome.model).toBe('b');
    expect(h.calls).toEqual(['b']);
    expect(h.context.state.latency.median('b', 'complete', h.clock.now())).toBe(42);
  });

  it('still tries open circuits when nothing else is left', async () => {
    const h = harness();
    for (let i = 0; i < 3; i++) h.context.state.breaker.recordFailure('a', 0);
    const outcome = await runAttempts([{ model: 'a', retries: 0 }], scripted({ a: ['ok'] }, h), h.context);
    expect(outcome.model).toBe('a');
  });

  it('counts only retryable failures toward the circuit', async () => {
    const h = harness();
    for (let i = 0; i < 5; i++) {
      await runAttempts([{ model: 'a', retries: 0 }], scripted({ a: [failure('bad_request', 400)] }, h), h.context).catch(() => {});
    }
    expect(h.context.state.breaker.isOpen('a', h.clock.now())).toBe(false);
  });
});
