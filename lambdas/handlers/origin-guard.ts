import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../ports/clock.js';

export const originVerifyHeader = 'x-origin-verify';

/** Whether a presented `x-origin-verify` value is one CloudFront sends. */
export type OriginCheck = (presented: string | undefined) => Promise<boolean>;

export interface OriginGuardOptions {
  /** The values accepted now: `current` and, during a rotation, `previous`. */
  read: () => Promise<readonly string[]>;
  clock: Clock;
  /** Least time between two reads of the values, per function instance. */
  rereadIntervalMs: number;
  /** Told of a failed re-read; the values read before stay in force. */
  onRereadFailure?: (error: unknown) => void;
}

/**
 * CloudFront adds a secret header on its way to the function URL; requests without it went
 * around CloudFront (and its WAF and TLS policy) and are refused. Two values are accepted so the
 * secret can be rotated without downtime. A value matching neither may be the new `current` of a
 * rotation this instance has not seen yet, so the values are read again, at most once per
 * interval (misses meanwhile share the read in flight, or are refused), before the value is
 * refused. Digests make each comparison constant-time whatever the length of what was sent.
 * The first read happens here: a function that cannot read the values does not start.
 */
export async function originGuard(options: OriginGuardOptions): Promise<OriginCheck> {
  const { read, clock, rereadIntervalMs } = options;
  let accepted = digests(await read());
  let lastReadAt = clock.now();
  let rereading: Promise<void> | undefined;

  const reread = (): Promise<void> => {
    lastReadAt = clock.now();
    rereading = Promise.resolve()
      .then(read)
      .then(
        (values) => {
          accepted = digests(values);
        },
        (error: unknown) => options.onRereadFailure?.(error),
      )
      .finally(() => {
        rereading = undefined;
      });
    return rereading;
  };

  return async (presented) => {
    if (!presented) return false;
    const candidate = digest(presented);
    if (matchesAny(accepted, candidate)) return true;
    if (rereading) await rereading;
    else if (clock.now() - lastReadAt >= rereadIntervalMs) await reread();
    else return false;
    return matchesAny(accepted, candidate);
  };
}

function digests(values: readonly string[]): Buffer[] {
  return values.filter((value) => value.length > 0).map(digest);
}

/** Compares with every accepted value, so the time taken does not tell which one matched. */
function matchesAny(accepted: readonly Buffer[], candidate: Buffer): boolean {
  let match = false;
  for (const value of accepted) match = timingSafeEqual(value, candidate) || match;
  return match;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
