import { GatewayError, ProviderError } from '../errors.js';
import type { Clock } from '../../ports/clock.js';
import { backoffMs } from './backoff.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { LatencyMode, LatencyStats } from './latency-stats.js';
import type { Attempt } from './plan-attempts.js';

export interface RoutingState {
  breaker: CircuitBreaker;
  latency: LatencyStats;
}

export interface RunContext {
  state: RoutingState;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  mode: LatencyMode;
  /** Epoch ms after which no new attempt starts. */
  deadlineAt: number;
  /** Aborted when the client has gone: no new attempt starts. */
  signal?: AbortSignal;
  /** Where each call is told, as it ends (the request log keeps every attempt). */
  onAttempt?: (call: AttemptReport) => void;
}

export interface RunOutcome<T> {
  value: T;
  model: string;
  /** Calls made, the successful one included. */
  attempts: number;
  /** When the answering call's first byte (or token) came. */
  firstByteAt: number;
}

/** One call as it ended: its status (the error's, or 200), and how long its first byte took. */
export interface AttemptReport {
  model: string;
  status: number;
  errorCode: string | undefined;
  firstByteMs: number | undefined;
}

/** What one try yields: the value, and when its first byte arrived (for latency routing). */
export interface TryResult<T> {
  value: T;
  firstByteAt: number;
}

/**
 * Tries the planned models in order: a retryable failure is retried on the same model with
 * backoff while it has retries left (or sooner, when the provider's Retry-After is shorter);
 * anything else moves straight to the next model. Models whose circuit is open are skipped
 * unless nothing else is left. The last error is thrown when every model has failed.
 */
export async function runAttempts<T>(
  plan: Attempt[],
  tryModel: (attempt: Attempt, remainingMs: number) => Promise<TryResult<T>>,
  context: RunContext,
): Promise<RunOutcome<T>> {
  const { breaker, latency } = context.state;
  const now = () => context.clock.now();
  const healthy = plan.filter((attempt) => !breaker.isOpen(attempt.model, now()));
  const ordered = healthy.length > 0 ? healthy : plan;
  let calls = 0;
  let lastError: unknown;
  // Errors are built only when they happen: capturing a stack costs more than the rest of a try.
  const failure = () =>
    annotate(lastError ?? new GatewayError(503, 'no_healthy_target', 'No model was available to serve the request.'), calls);

  for (const attempt of ordered) {
    if (ordered.length > 1 && !breaker.allows(attempt.model, now())) continue;
    for (let retry = 0; ; retry++) {
      if (context.signal?.aborted) throw clientGone();
      const remainingMs = context.deadlineAt - now();
      if (remainingMs <= 0) throw failure();
      const startedAt = now();
      calls++;
      try {
        const { value, firstByteAt } = await tryModel(attempt, remainingMs);
        breaker.recordSuccess(attempt.model);
        latency.record(attempt.model, context.mode, firstByteAt - startedAt, firstByteAt);
        context.onAttempt?.({ model: attempt.model, status: 200, errorCode: undefined, firstByteMs: firstByteAt - startedAt });
        return { value, model: attempt.model, attempts: calls, firstByteAt };
      } catch (error) {
        if (context.signal?.aborted) throw clientGone();
        lastError = error;
        const known = error instanceof GatewayError ? error : undefined;
        context.onAttempt?.({ model: attempt.model, status: known?.status ?? 500, errorCode: known?.code ?? 'internal_error', firstByteMs: undefined });
        const retryable = error instanceof ProviderError && error.retryable;
        if (retryable) breaker.recordFailure(attempt.model, now());
        if (!retryable || retry >= attempt.retries) break;
        const wait = retryWait(error, retry, context.random());
        if (wait === undefined || now() + wait >= context.deadlineAt) break;
        await context.sleep(wait);
      }
    }
  }
  throw failure();
}

/** The backoff, or the provider's shorter Retry-After; undefined when it asks for longer. */
function retryWait(error: ProviderError, retry: number, random: number): number | undefined {
  const backoff = backoffMs(retry, random);
  if (error.retryAfterMs === undefined) return backoff;
  return error.retryAfterMs <= backoff ? error.retryAfterMs : undefined;
}

/** Nobody reads it: the client has gone. It ends the request like any failure, quietly. */
function clientGone(): GatewayError {
  return new GatewayError(499, 'client_closed_request', 'The client closed the request.');
}

function annotate(error: unknown, calls: number): unknown {
  if (error instanceof GatewayError) error.headers['x-switchboard-attempts'] = String(calls);
  return error;
}
