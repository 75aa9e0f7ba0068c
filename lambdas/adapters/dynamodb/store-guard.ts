import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '../../core/errors.js';
import { CircuitBreaker } from '../../core/routing/circuit-breaker.js';
import type { Clock } from '../../ports/clock.js';
import { isStoreOutage } from './store-errors.js';

export interface StoreGuardOptions {
  /** The longest one call may take in all, the SDK's retries included. */
  deadlineMs: number;
  /** Once the store could not be reached: how long calls fail at once before one probes it again. */
  cooldownMs: number;
  clock: Clock;
  /** Where the store going away and coming back is reported (one line each). */
  log: (line: string) => void;
}

const circuit = 'store';
const unavailableMessage = "The gateway's store is unavailable; try again shortly.";

/**
 * Bounds every call of `client` and gives its outages one shape: a call that cannot reach the
 * store within `deadlineMs` (after the SDK's own attempts and timeouts), or that the store
 * still refuses for load after them, fails with StoreUnavailableError (503, `retry-after`).
 * Then calls fail at once for `cooldownMs`, and one call probes the store, so while it is away
 * a request waits on it about once, and a struggling store is not pressed harder. Every other
 * error (a condition that did not hold) is an answer, and passes through unchanged.
 */
export function guardStore(client: DynamoDBClient, options: StoreGuardOptions): void {
  const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: options.cooldownMs });
  const retryAfterSeconds = Math.max(1, Math.ceil(options.cooldownMs / 1000));
  let awaySince: number | undefined;

  const answered = () => {
    breaker.recordSuccess(circuit);
    if (awaySince === undefined) return;
    options.log(`The store answers again, after ${((options.clock.now() - awaySince) / 1000).toFixed(1)} s away.`);
    awaySince = undefined;
  };

  client.middlewareStack.add(
    (next) => async (args) => {
      if (!breaker.allows(circuit, options.clock.now())) throw new StoreUnavailableError(unavailableMessage, retryAfterSeconds);
      try {
        const output = await withinDeadline(next(args), options.deadlineMs);
        answered();
        return output;
      } catch (error) {
        if (!isStoreOutage(error)) {
          answered();
          throw error;
        }
        breaker.recordFailure(circuit, options.clock.now());
        if (awaySince === undefined) {
          awaySince = options.clock.now();
          options.log(`The store is unavailable (${describe(error)}): its calls fail with 503 store_unavailable, and it is probed every ${options.cooldownMs} ms.`);
        }
        throw new StoreUnavailableError(unavailableMessage, retryAfterSeconds, error);
      }
    },
    { step: 'initialize', name: 'switchboardStoreGuard', priority: 'high' },
  );
}

/** The call's outcome, or a TimeoutError once `ms` have passed (the abandoned call ends on its own timeouts). */
function withinDeadline<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError' })), ms);
  });
  call.catch(() => undefined);
  return Promise.race([call, expired]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
